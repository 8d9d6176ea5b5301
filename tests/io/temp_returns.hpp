// Writes small hand-made returns to a temporary folder for tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace careflow::testing {

class TempReturns {
 public:
  TempReturns() {
    std::random_device rd;
    root_ = std::filesystem::temp_directory_path() / ("careflow_test_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(root_);
  }
  ~TempReturns() { std::filesystem::remove_all(root_); }
  TempReturns(const TempReturns&) = delete;
  TempReturns& operator=(const TempReturns&) = delete;

  // Writes `content` to <root>/<year_folder>/<file>; returns the path.
  std::string write(const std::string& year_folder, const std::string& file, const std::string& content) {
    const auto dir = root_ / year_folder;
    std::filesystem::create_directories(dir);
    const auto path = dir / file;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  std::string root() const { return root_.string(); }
  std::string folder(const std::string& year_folder) const { return (root_ / year_folder).string(); }

 private:
  std::filesystem::path root_;
};

inline const char* kEpisodesHeader =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";
inline const char* kHeaderHeader = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";

}  // namespace careflow::testing
