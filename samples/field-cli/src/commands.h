// Each file cmd_<noun>.cpp adds the commands of one noun to the application.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "context.h"

namespace ykien::cli {

void add_init_commands(CLI::App &app, Context &ctx);      // init, status
void add_unit_commands(CLI::App &app, Context &ctx);      // unit add|list
void add_meeting_commands(CLI::App &app, Context &ctx);   // meeting open|close|list|show
void add_meeting_correct_commands(CLI::App &meeting, Context &ctx);  // meeting edit|withdraw
// opinion add|answer|appoint|assign|status|satisfaction|list|show, record, search
void add_opinion_commands(CLI::App &app, Context &ctx);
void add_opinion_record_commands(CLI::App &app, CLI::App &opinion, Context &ctx);
void add_opinion_followup_commands(CLI::App &opinion, Context &ctx);
void add_opinion_correct_commands(CLI::App &opinion, Context &ctx);  // opinion edit|withdraw
void add_opinion_query_commands(CLI::App &app, CLI::App &opinion, Context &ctx);
void add_report_command(CLI::App &app, Context &ctx);
void add_conflict_commands(CLI::App &app, Context &ctx);
void add_demo_data_command(CLI::App &app, Context &ctx);
void add_sync_commands(CLI::App &app, Context &ctx);      // enroll, sync
void add_bundle_commands(CLI::App &app, Context &ctx);    // bundle export|import
void add_visit_commands(CLI::App &app, Context &ctx);     // visit add|list|withdraw
void add_attach_commands(CLI::App &app, Context &ctx);    // attach add|list|get
void add_remind_command(CLI::App &app, Context &ctx);     // remind
void add_duplicates_commands(CLI::App &app, Context &ctx);  // duplicates [merge|distinct]

// A subcommand with its description and help in the user's language.
CLI::App *add_command(CLI::App &parent, const std::string &name, const std::string &description_key);

}  // namespace ykien::cli

namespace ykien::cli {

// Fails with a usage error naming `option` when `value` is empty.
void require_option(const std::string &value, const std::string &option);
// A whole number in [0, max] typed by the user, or an invalid_input error.
int64_t parse_count(const std::string &text, const std::string &option, int64_t max = 1'000'000);

}  // namespace ykien::cli
