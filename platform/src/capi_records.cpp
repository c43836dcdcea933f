// The C API's domain calls: units, meetings, opinions, responses, visits, reports.
#include "capi_internal.h"
#include "json_codec.h"

using namespace ykien;
using namespace ykien::capi;


extern "C" {

// ---- Units ----

YKIEN_API int ykien_unit_create(char **out_json, ykien_db *db, const char *unit_json, ykien_error *err) {
  return guard_out("ykien_unit_create", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(unit_json, "unit_json"));
    Unit u;
    YKIEN_TRY(decode_unit(unit_json, &u));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.create_unit(std::move(u));
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_unit_get(char **out_json, ykien_db *db, const char *id, ykien_error *err) {
  return guard_out("ykien_unit_get", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    YKIEN_TRY(need(id, "id"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.get_unit(id);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_unit_list(char **out_json, ykien_db *db, const char *parent_id, ykien_error *err) {
  return guard_out("ykien_unit_list", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.list_units(opt(parent_id));
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

// ---- Meetings ----

YKIEN_API int ykien_meeting_create(char **out_json, ykien_db *db, const char *meeting_json, ykien_error *err) {
  return guard_out("ykien_meeting_create", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(meeting_json, "meeting_json"));
    Meeting m;
    YKIEN_TRY(decode_meeting(meeting_json, &m));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.create_meeting(std::move(m));
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_meeting_get(char **out_json, ykien_db *db, const char *id, ykien_error *err) {
  return guard_out("ykien_meeting_get", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    YKIEN_TRY(need(id, "id"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.get_meeting(id);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_meeting_update(char **out_json, ykien_db *db, const char *id, const char *patch_json,
                                   ykien_error *err) {
  return guard_out("ykien_meeting_update", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(id, "id"));
    YKIEN_TRY(need(patch_json, "patch_json"));
    MeetingPatch patch;
    YKIEN_TRY(decode_meeting_patch(patch_json, &patch));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.update_meeting(id, patch);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_meeting_close(char **out_json, ykien_db *db, const char *id, int64_t attendance,
                                  const char *conclusion, const char *closed_at, ykien_error *err) {
  return guard_out("ykien_meeting_close", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(id, "id"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.close_meeting(id, attendance, opt(conclusion), opt(closed_at));
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_meeting_list(char **out_json, ykien_db *db, const char *scope, const char *from, const char *to,
                                 ykien_error *err) {
  return guard_out("ykien_meeting_list", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.list_meetings(opt(scope), opt(from), opt(to));
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_meeting_delete(ykien_db *db, const char *id, ykien_error *err) {
  return guard("ykien_meeting_delete", err, [&]() -> Status {
    YKIEN_TRY(need(id, "id"));
    return with_db(db, [&](Database &d) -> Status {
      YKIEN_TRY(d.delete_meeting(id));
      return {};
    });
  });
}

// ---- Opinions ----

YKIEN_API int ykien_opinion_record(char **out_json, ykien_db *db, const char *opinion_json, ykien_error *err) {
  return guard_out("ykien_opinion_record", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(opinion_json, "opinion_json"));
    Opinion o;
    YKIEN_TRY(decode_opinion(opinion_json, &o));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.record_opinion(std::move(o));
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_opinion_get(char **out_json, ykien_db *db, const char *id, ykien_error *err) {
  return guard_out("ykien_opinion_get", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    YKIEN_TRY(need(id, "id"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.get_opinion(id);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_opinion_update(char **out_json, ykien_db *db, const char *id, const char *patch_json,
                                   ykien_error *err) {
  return guard_out("ykien_opinion_update", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(id, "id"));
    YKIEN_TRY(need(patch_json, "patch_json"));
    OpinionPatch patch;
    YKIEN_TRY(decode_opinion_patch(patch_json, &patch));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.update_opinion(id, patch);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_opinion_change_status(char **out_json, ykien_db *db, const char *id, const char *update_json,
                                          ykien_error *err) {
  return guard_out("ykien_opinion_change_status", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(id, "id"));
    YKIEN_TRY(need(update_json, "update_json"));
    StatusUpdate update;
    YKIEN_TRY(decode_status_update(update_json, &update));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.change_status(id, update);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_opinion_assign(char **out_json, ykien_db *db, const char *id, const char *department,
                                   const char *due_date, const char *by, ykien_error *err) {
  return guard_out("ykien_opinion_assign", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(id, "id"));
    YKIEN_TRY(need(department, "department"));
    YKIEN_TRY(need(due_date, "due_date"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.assign_opinion(id, department, due_date, opt(by));
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_opinion_list(char **out_json, ykien_db *db, const char *filter_json, ykien_error *err) {
  return guard_out("ykien_opinion_list", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    OpinionFilter filter;
    if (filter_json != nullptr) YKIEN_TRY(decode_opinion_filter(filter_json, &filter));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.list_opinions(filter);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_opinion_search(char **out_json, ykien_db *db, const char *text, const char *filter_json,
                                   ykien_error *err) {
  return guard_out("ykien_opinion_search", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    YKIEN_TRY(need(text, "text"));
    OpinionFilter filter;
    if (filter_json != nullptr) YKIEN_TRY(decode_opinion_filter(filter_json, &filter));
    filter.text = text;
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.list_opinions(filter);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_opinion_history(char **out_json, ykien_db *db, const char *id, ykien_error *err) {
  return guard_out("ykien_opinion_history", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    YKIEN_TRY(need(id, "id"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.status_history(id);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_opinion_delete(ykien_db *db, const char *id, ykien_error *err) {
  return guard("ykien_opinion_delete", err, [&]() -> Status {
    YKIEN_TRY(need(id, "id"));
    return with_db(db, [&](Database &d) -> Status {
      YKIEN_TRY(d.delete_opinion(id));
      return {};
    });
  });
}

// ---- Responses ----

YKIEN_API int ykien_response_add(char **out_json, ykien_db *db, const char *response_json, ykien_error *err) {
  return guard_out("ykien_response_add", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(response_json, "response_json"));
    Response resp;
    YKIEN_TRY(decode_response(response_json, &resp));
    std::string opinion_id = resp.opinion_id;
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.add_response(std::move(resp));
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

YKIEN_API int ykien_response_list(char **out_json, ykien_db *db, const char *opinion_id, ykien_error *err) {
  return guard_out("ykien_response_list", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    YKIEN_TRY(need(opinion_id, "opinion_id"));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.list_responses(opinion_id);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

// ---- Support visits ----

YKIEN_API int ykien_support_visit_record(char **out_json, ykien_db *db, const char *visit_json, ykien_error *err) {
  return guard_out("ykien_support_visit_record", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(visit_json, "visit_json"));
    SupportVisit v;
    YKIEN_TRY(decode_support_visit(visit_json, &v));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.record_support_visit(std::move(v));
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

// ---- Reports ----

YKIEN_API int ykien_report_get(char **out_json, ykien_db *db, const char *request_json, ykien_error *err) {
  return guard_out("ykien_report_get", out_json, err, [&]() -> Status {
    YKIEN_TRY(need(out_json, "out_json"));
    ReportRequest request;
    if (request_json != nullptr) YKIEN_TRY(decode_report_request(request_json, &request));
    return with_db(db, [&](Database &d) -> Status {
      auto r = d.report(request);
      if (!r) return r.status();
      return put(out_json, encode(*r));
    });
  });
}

}  // extern "C"
