// Checks for domain input. Each returns Status::Invalid naming the field.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "ykien/status.h"

namespace ykien::validate {

// Non-empty (after trimming spaces), valid UTF-8, at most `max_bytes`.
Status required_text(std::string_view field, const std::string &value, size_t max_bytes = 1000);
// May be empty; valid UTF-8, at most `max_bytes`.
Status optional_text(std::string_view field, const std::string &value, size_t max_bytes = 1000);
// One of `allowed`.
Status one_of(std::string_view field, const std::string &value, std::span<const std::string_view> allowed);
// "YYYY-MM-DD HH:MM", a real calendar time.
Status date_time(std::string_view field, const std::string &value);
// "YYYY-MM-DD", a real calendar date.
Status date(std::string_view field, const std::string &value);
// A unit's code: 1-64 letters a-z, digits, '-', '_' or '.', not dots alone (a path part).
Status unit_code(const std::string &code);
// A unit of `kind` under one of `parent_kind`: of a lower level (country, province,
// district, commune/ward/town, hamlet), or a hamlet's group (tổ dân phố) under a
// hamlet. Errors: invalid_argument ("kind").
Status unit_under(const std::string &kind, const std::string &parent_kind);
// The same rule's reason ("a province cannot lie under a district"), empty when it holds.
std::string level_misfit(const std::string &kind, const std::string &parent_kind);
Status non_negative(std::string_view field, int64_t value, int64_t max);
// The calendar day `days` after `day` ("YYYY-MM-DD"; negative: before).
std::string shift_day(const std::string &day, int days);
// How many days `to` is after `from` (both "YYYY-MM-DD"; negative: before).
int days_between(const std::string &from, const std::string &to);

}  // namespace ykien::validate

namespace ykien::domain {

// The stable identifiers of DOMAIN.md.
inline constexpr std::string_view kUnitKinds[] = {
    "country", "province", "district", "commune", "ward", "town", "hamlet"};
inline constexpr std::string_view kMeetingKinds[] = {
    "residential_saturday", "listen_monthly",    "leader_dialogue",
    "voter_contact",        "citizen_reception", "business_dialogue"};
inline constexpr std::string_view kOpinionKinds[] = {
    "opinion", "petition", "report", "complaint", "denunciation"};
inline constexpr std::string_view kCategories[] = {
    "security_order", "traffic_safety", "land",   "construction", "environment",
    "compensation_clearance", "economy", "culture", "social", "rural_infrastructure",
    "administrative_procedure", "other"};
inline constexpr std::string_view kJurisdictions[] = {"local", "escalated"};
inline constexpr std::string_view kStatuses[] = {
    "received", "answered", "scheduled", "assigned", "resolved", "closed", "withdrawn"};
inline constexpr std::string_view kSatisfaction[] = {"satisfied", "unsatisfied", "unknown"};
inline constexpr std::string_view kResponseKinds[] = {
    "answered_at_meeting", "appointment", "written_reply"};
inline constexpr std::string_view kSupportKinds[] = {"gift", "visit", "volunteer_work"};
// What an attachment may be (docs/attachments.md): photos, scanned minutes, recordings.
// Recognised from the file's first bytes, not its name.
inline constexpr std::string_view kMediaTypes[] = {
    "image/jpeg", "image/png", "image/heic", "application/pdf",
    "audio/mpeg", "audio/mp4", "audio/ogg", "audio/wav", "audio/amr", "audio/flac"};

}  // namespace ykien::domain
