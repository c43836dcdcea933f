// attach add | list | get: photos of the minutes, of what a citizen shows, recordings,
// attached to a meeting, an opinion, a response or a visit (docs/attachments.md).
#include <algorithm>
#include <map>
#include <memory>
#include <ostream>

#include "commands.h"
#include "errors.h"
#include "i18n.h"
#include "records_json.h"
#include "resolve.h"
#include "table.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct AddArgs {
  std::string file, to, caption;
};

struct ListArgs {
  std::string to, unit;
};

struct GetArgs {
  std::string ref, output;
};

// What an attachment may belong to, as the user names it (an id or a short ref).
struct Target {
  Attachment names;     // the one id field set
  std::string label;    // "hội nghị 5b6526c4"
};

// The meeting, opinion, response or visit `ref` names; the current meeting when empty.
Target resolve_target(Database &db, const std::string &ref_in) {
  const std::string ref = trim(ref_in);
  if (ref.empty()) {
    const std::string current = current_meeting_id(db);
    if (current.empty())
      throw CliError(kExitUsage, trf("error.missing_option", {"--to"}), tr("hint.attach_to"), "--to");
    return {{.meeting_id = current}, trf("attach.to.meeting", {short_id(current)})};
  }
  std::vector<Target> found;
  for (const auto &m : take(db.list_meetings("")))
    if (id_matches(m.id, ref)) found.push_back({{.meeting_id = m.id}, trf("attach.to.meeting", {short_id(m.id)})});
  OpinionFilter all;
  all.limit = 10'000'000;
  const auto opinions = take(db.list_opinions(all));
  for (const auto &o : opinions)
    if (id_matches(o.id, ref)) found.push_back({{.opinion_id = o.id}, trf("attach.to.opinion", {short_id(o.id)})});
  for (const auto &v : take(db.list_support_visits("")))
    if (id_matches(v.id, ref)) found.push_back({{.visit_id = v.id}, trf("attach.to.visit", {short_id(v.id)})});
  if (found.empty()) {  // responses last: they are found through their opinions
    for (const auto &o : opinions)
      for (const auto &r : take(db.list_responses(o.id)))
        if (id_matches(r.id, ref))
          found.push_back({{.response_id = r.id}, trf("attach.to.response", {short_id(r.id)})});
  }
  if (found.size() > 1)
    throw CliError(kExitInvalidInput, trf("error.ambiguous", {"--to", ref}), tr("hint.ambiguous"), "--to");
  if (found.empty())
    throw CliError(kExitNotFound, trf("error.attach_target_not_found", {ref}), tr("hint.attach_to"), "--to");
  return found.front();
}

std::string target_id(const Attachment &a) {
  for (const std::string *id : {&a.meeting_id, &a.opinion_id, &a.response_id, &a.visit_id})
    if (!id->empty()) return *id;
  return {};
}

std::string target_label(const Attachment &a) {
  if (!a.meeting_id.empty()) return trf("attach.to.meeting", {short_id(a.meeting_id)});
  if (!a.opinion_id.empty()) return trf("attach.to.opinion", {short_id(a.opinion_id)});
  if (!a.response_id.empty()) return trf("attach.to.response", {short_id(a.response_id)});
  return trf("attach.to.visit", {short_id(a.visit_id)});
}

// "1,5 MB" / "1.5 MB", "820 KB", "12 B".
std::string human_size(int64_t bytes) {
  auto one_decimal = [](int64_t tenths) {
    std::string s = std::to_string(tenths / 10);
    if (tenths % 10 != 0) s += (thousands_sep() == '.' ? "," : ".") + std::to_string(tenths % 10);
    return s;
  };
  if (bytes >= 1'000'000) return one_decimal(bytes / 100'000) + " MB";
  if (bytes >= 1'000) return one_decimal(bytes / 100) + " KB";
  return std::to_string(bytes) + " B";
}

nlohmann::json attachment_json(const Database &db, const Attachment &a) {
  nlohmann::json j = to_json(a);
  j["held_here"] = db.blobs().has(a.sha256);
  return j;
}

void attach_add(Context &ctx, const AddArgs &a) {
  require_option(a.file, "FILE");
  Database &db = ctx.db();
  Target target = resolve_target(db, a.to);
  Attachment want = target.names;
  want.caption = trim(a.caption);
  want.added_by = trim(ctx.user);
  const Attachment made = take(db.add_attachment_file(a.file, want));
  ctx.emit({{"ok", true}, {"attachment", attachment_json(db, made)}}, [&](std::ostream &out) {
    out << trf("attach.added", {short_id(made.id), target.label, tr("media." + made.media_type), human_size(made.size)})
        << '\n';
  });
}

void attach_list(Context &ctx, const ListArgs &a) {
  Database &db = ctx.db();
  const std::string scope = a.unit.empty() ? std::string() : resolve_unit(db, a.unit, "--unit").scope;
  const std::string of = a.to.empty() ? std::string() : target_id(resolve_target(db, a.to).names);
  const auto list = take(db.list_attachments(scope, of));
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &item : list) arr.push_back(attachment_json(db, item));
  ctx.emit({{"ok", true}, {"attachments", arr}, {"count", list.size()}}, [&](std::ostream &out) {
    if (list.empty()) {
      out << tr("attach.none") << '\n';
      return;
    }
    Table t({tr("col.ref"), tr("col.time"), tr("col.attached_to"), tr("col.media"), tr("col.size"), tr("col.caption"),
             tr("col.held"), tr("col.hash")});
    t.set_right(4);
    t.set_max_width(5, 30);
    for (const auto &item : list)
      t.add_row({short_id(item.id), item.added_at, target_label(item), tr("media." + item.media_type),
                 human_size(item.size), item.caption, db.blobs().has(item.sha256) ? tr("attach.held") : tr("attach.not_held"),
                 item.sha256.substr(0, 12)});
    t.print(out);
  });
}

// The attachment a ref names: its id (or short ref), or its blob's hash (or the
// hash's first 8 characters at least).
Attachment find_attachment(Database &db, const std::string &ref_in) {
  require_option(ref_in, "HASH");
  const std::string ref = trim(ref_in);
  std::vector<Attachment> found;
  for (auto &a : take(db.list_attachments(""))) {
    const bool by_hash = ref.size() >= 8 && a.sha256.compare(0, ref.size(), ref) == 0;
    if (by_hash || id_matches(a.id, ref)) found.push_back(std::move(a));
  }
  // Several records of one blob are one file.
  if (found.size() > 1 && std::all_of(found.begin(), found.end(), [&](const Attachment &a) {
        return a.sha256 == found.front().sha256;
      }))
    found.resize(1);
  if (found.size() > 1)
    throw CliError(kExitInvalidInput, trf("error.ambiguous", {arg_name("HASH"), ref}), tr("hint.ambiguous"), "HASH");
  if (found.empty())
    throw CliError(kExitNotFound, trf("error.attach_not_found", {ref}), tr("hint.attach_ref"), "HASH");
  return found.front();
}

void attach_get(Context &ctx, const GetArgs &a) {
  Database &db = ctx.db();
  const Attachment item = find_attachment(db, a.ref);
  require_option(a.output, "--output");
  if (!db.blobs().has(item.sha256))
    throw CliError(kExitNotFound, trf("error.attach_not_held", {short_id(item.id)}), tr("hint.attach_sync"), "HASH");
  check(db.blobs().copy_to(item.sha256, a.output));
  ctx.emit({{"ok", true}, {"attachment", attachment_json(db, item)}, {"output", a.output}}, [&](std::ostream &out) {
    out << trf("attach.saved", {short_id(item.id), a.output, human_size(item.size)}) << '\n';
  });
}

}  // namespace

void add_attach_commands(CLI::App &app, Context &ctx) {
  CLI::App *attach = add_command(app, "attach", "cmd.attach");
  attach->require_subcommand(1);

  auto a = std::make_shared<AddArgs>();
  CLI::App *add = add_command(*attach, "add", "cmd.attach.add");
  add->add_option("FILE", a->file, tr("opt.attach.file"));
  add->add_option("--to", a->to, tr("opt.attach.to"));
  add->add_option("--caption", a->caption, tr("opt.attach.caption"));
  add->callback([&ctx, a] { ctx.action = [&ctx, a] { attach_add(ctx, *a); }; });

  auto l = std::make_shared<ListArgs>();
  CLI::App *list = add_command(*attach, "list", "cmd.attach.list");
  list->add_option("--to", l->to, tr("opt.attach.of"));
  list->add_option("--unit,--hamlet", l->unit, tr("opt.filter.unit"));
  list->callback([&ctx, l] { ctx.action = [&ctx, l] { attach_list(ctx, *l); }; });

  auto g = std::make_shared<GetArgs>();
  CLI::App *get = add_command(*attach, "get", "cmd.attach.get");
  get->add_option("HASH", g->ref, tr("opt.attach.ref"));
  get->add_option("--output,-o", g->output, tr("opt.attach.output"));
  get->callback([&ctx, g] { ctx.action = [&ctx, g] { attach_get(ctx, *g); }; });
}

}  // namespace ykien::cli
