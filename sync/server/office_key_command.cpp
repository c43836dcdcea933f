#include "office_key_command.h"

#include <iostream>

#include "log.h"

namespace ykien::server {

std::string office_key_path(const std::string &flag, const std::string &data_dir) {
  if (!flag.empty()) return flag;
  return data_dir.empty() ? std::string() : data_dir + "/office.key";
}

Result<std::shared_ptr<const sync::OfficeKeyRing>> load_office_keys(const std::string &path, bool create) {
  if (path.empty()) return std::shared_ptr<const sync::OfficeKeyRing>();
  auto ring = sync::read_office_key_file(path);
  if (ring.ok()) return std::shared_ptr<const sync::OfficeKeyRing>(std::make_shared<sync::OfficeKeyRing>(*ring));
  if (ring.status().code() != ErrorCode::not_found || !create) {
    if (ring.status().code() == ErrorCode::not_found) return std::shared_ptr<const sync::OfficeKeyRing>();
    return ring.status();
  }
  auto key = sync::make_office_key();
  if (!key.ok()) return key.status();
  auto made = std::make_shared<sync::OfficeKeyRing>();
  made->keys.push_back(std::move(*key));
  YKIEN_TRY(sync::write_office_key_file(path, *made));
  log_line("warn", "office_key",
           {{"created", path}, {"id", made->keys.front().id}, {"message", "back this file up apart from the data"}});
  return std::shared_ptr<const sync::OfficeKeyRing>(std::move(made));
}

std::unique_ptr<OfficeKeyCommand> add_office_key_command(CLI::App &admin) {
  auto c = std::make_unique<OfficeKeyCommand>();
  c->cmd = admin.add_subcommand("office-key", "the commune office's key that complainants' identities are sealed to");
  c->cmd->require_subcommand(1);
  c->create = c->cmd->add_subcommand("create", "make the office key (refused when one exists)");
  c->show = c->cmd->add_subcommand("show", "the office's public keys, the current one first");
  c->rotate = c->cmd->add_subcommand("rotate", "make a new current key; older ones still open what they sealed");
  return c;
}

int run_office_key_command(const OfficeKeyCommand &command, const std::string &path) {
  auto fail = [](const Status &st) {
    std::cerr << "ykien-server: " << st.to_string() << "\n";
    return 1;
  };
  if (path.empty()) return fail(Status::Invalid("--office-key", "give the key file (or --data DIR)"));
  auto ring = sync::read_office_key_file(path);
  const bool exists = ring.ok();
  if (!exists && ring.status().code() != ErrorCode::not_found) return fail(ring.status());
  if (command.create->parsed() || command.rotate->parsed()) {
    if (command.create->parsed() && exists)
      return fail({ErrorCode::invalid_state, path + " already holds an office key (rotate makes a new one)"});
    if (command.rotate->parsed() && !exists) return fail(ring.status());
    auto key = sync::make_office_key();
    if (!key.ok()) return fail(key.status());
    sync::OfficeKeyRing next;
    next.keys.push_back(*key);
    if (exists)
      for (auto &k : ring->keys) next.keys.push_back(std::move(k));
    if (Status st = sync::write_office_key_file(path, next); !st.ok()) return fail(st);
    std::cout << (command.create->parsed() ? "created " : "rotated ") << path << "\n"
              << "id=" << key->id << "  public_key=" << key->public_hex << "\n"
              << "back this file up apart from the data: without it no sealed identity can be read\n";
    return 0;
  }
  if (!exists) return fail(ring.status());
  for (size_t i = 0; i < ring->keys.size(); ++i)
    std::cout << "id=" << ring->keys[i].id << "  public_key=" << ring->keys[i].public_hex
              << (i == 0 ? "  current" : "  previous") << "\n";
  return 0;
}

}  // namespace ykien::server
