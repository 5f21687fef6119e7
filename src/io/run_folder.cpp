#include "recur/io/run_folder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <system_error>

#include "recur/io/atomic_file.h"
#include "recur/tensor/error.h"

namespace recur::io {
namespace {

namespace fs = std::filesystem;

// fsync of a folder makes the renames inside it durable; failure only weakens durability.
void sync_folder(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

fs::path parent_of(const fs::path& p) {
  const fs::path parent = p.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// A run's config.json names its format "recur.<something>"; nothing else in a folder makes it
// safe to replace as a whole.
bool holds_recur_run(const fs::path& dir) {
  std::ifstream config(dir / "config.json");
  if (!config) return false;
  std::string head(4096, '\0');
  config.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(config.gcount()));
  return head.find("\"format\": \"recur.") != std::string::npos ||
         head.find("\"format\":\"recur.") != std::string::npos;
}

void remove_folder(const fs::path& dir) noexcept {
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

}  // namespace

fs::path staging_path(const fs::path& target) {
  fs::path t = target;
  if (!t.has_filename()) t = t.parent_path();  // "runs/x/" -> "runs/x"
  return t.string() + ".partial";
}

void check_replaceable_run_folder(const fs::path& dir) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(dir, ec);
  if (!fs::exists(status)) return;
  if (!fs::is_directory(status)) {
    throw IoError(dir.string() + ": exists and is not a folder; choose another output folder");
  }
  if (fs::is_empty(dir, ec) || holds_recur_run(dir)) return;
  throw IoError(dir.string() +
                ": folder is not empty and holds no recur run (no config.json of recur's); a run "
                "replaces its output folder as a whole, so choose a new or empty folder");
}

StagedRunFolder::StagedRunFolder(fs::path target, StagedRunOptions options)
    : target_(std::move(target)), staging_(staging_path(target_)), keep_with_(options.keep_with) {
  if (!target_.has_filename()) target_ = target_.parent_path();
  check_replaceable_run_folder(target_);
  std::error_code ec;
  fs::create_directories(parent_of(target_), ec);
  if (ec) throw IoError(parent_of(target_).string() + ": cannot create folder: " + ec.message());
  if (!options.resume) remove_folder(staging_);
  fs::create_directories(staging_, ec);
  if (ec) throw IoError(staging_.string() + ": cannot create folder: " + ec.message());
  // A killed run may have been writing a file: its temporary would otherwise end up in the run.
  remove_abandoned_temporaries(staging_);
}

StagedRunFolder::~StagedRunFolder() {
  std::error_code ec;
  if (committed_ || (!keep_with_.empty() && fs::exists(staging_ / keep_with_, ec))) return;
  remove_folder(staging_);
}

std::string StagedRunFolder::file(const std::string& name) const {
  return (staging_ / name).string();
}

void StagedRunFolder::commit() {
  if (committed_) throw IoError(target_.string() + ": run folder committed twice");
  check_replaceable_run_folder(target_);  // it may have changed while the run was training
  sync_folder(staging_);
  std::error_code ec;
  if (!fs::exists(target_, ec)) {
    fs::rename(staging_, target_, ec);
    if (ec) throw IoError(target_.string() + ": cannot move the run into place: " + ec.message());
  } else if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) !=
             0) {
    // A file system without the exchange: two renames, with a moment where only the previous run
    // exists under its set-aside name.
    if (errno != EINVAL && errno != ENOSYS) {
      throw IoError(target_.string() + ": cannot swap in the new run: " + std::strerror(errno));
    }
    const fs::path previous = target_.string() + ".previous";
    remove_folder(previous);
    fs::rename(target_, previous, ec);
    if (ec)
      throw IoError(target_.string() + ": cannot set the previous run aside: " + ec.message());
    fs::rename(staging_, target_, ec);
    if (ec) {
      std::error_code ignored;
      fs::rename(previous, target_, ignored);
      throw IoError(target_.string() + ": cannot move the run into place: " + ec.message());
    }
    fs::rename(previous, staging_, ec);
  }
  committed_ = true;
  sync_folder(parent_of(target_));
  remove_folder(staging_);  // the previous run, after the exchange
}

}  // namespace recur::io
