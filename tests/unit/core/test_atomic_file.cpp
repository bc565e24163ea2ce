// Unit tests of evclass/core/atomic_file.hpp: output files appear whole, and only on commit().

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "evclass/core/atomic_file.hpp"
#include "evclass/core/error.hpp"

namespace evclass::core {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("evc_atomic_file_") + info->name() + "_" + std::to_string(static_cast<long>(::getpid())));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  [[nodiscard]] std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    return names;
  }

  static std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  static void write_plain(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out << bytes;
  }

  fs::path dir_;
};

TEST_F(AtomicFileTest, CommitMakesTheFileAppearWithTheWrittenBytes) {
  const fs::path target = dir_ / "out.bin";
  const std::string binary("abc\0\xff\n", 6);
  {
    AtomicFile f(target.string());
    f.write("hello ");
    f.write(binary.data(), binary.size());
    f.write("", 0);
    f.commit();
  }
  ASSERT_TRUE(fs::exists(target));
  EXPECT_EQ(read_all(target), "hello " + binary);
  EXPECT_EQ(entries(), std::vector<std::string>{"out.bin"});  // no temporary left beside it
}

TEST_F(AtomicFileTest, FileIsAbsentUntilCommit) {
  const fs::path target = dir_ / "out.txt";
  AtomicFile f(target.string());
  f.write("partial");
  EXPECT_FALSE(fs::exists(target));
  f.commit();
  EXPECT_TRUE(fs::exists(target));
}

TEST_F(AtomicFileTest, WritesGoToATemporaryBesideTheTarget) {
  const fs::path target = dir_ / "out.txt";
  AtomicFile f(target.string());
  const auto names = entries();
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].rfind("out.txt.tmp-", 0), 0u) << names[0];
}

TEST_F(AtomicFileTest, WithoutCommitNeitherTheFileNorATemporaryRemains) {
  const fs::path target = dir_ / "out.txt";
  {
    AtomicFile f(target.string());
    f.write("never committed");
  }
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(entries().empty());
}

TEST_F(AtomicFileTest, ExceptionBeforeCommitLeavesNothingBehind) {
  const fs::path target = dir_ / "out.txt";
  try {
    AtomicFile f(target.string());
    f.write("half of the output");
    throw std::runtime_error("failure while producing the output");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(entries().empty());
}

TEST_F(AtomicFileTest, ExistingFileIsReplacedOnlyOnCommit) {
  const fs::path target = dir_ / "out.txt";
  write_plain(target, "old contents that are longer than the new ones");
  {
    AtomicFile f(target.string());
    f.write("new");
    EXPECT_EQ(read_all(target), "old contents that are longer than the new ones");
    f.commit();
  }
  EXPECT_EQ(read_all(target), "new");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, ExistingFileIsKeptWhenNotCommitted) {
  const fs::path target = dir_ / "out.txt";
  write_plain(target, "old");
  {
    AtomicFile f(target.string());
    f.write("new");
  }
  EXPECT_EQ(read_all(target), "old");
  EXPECT_EQ(entries(), std::vector<std::string>{"out.txt"});
}

TEST_F(AtomicFileTest, TwoFilesForTheSameTargetUseDifferentTemporaries) {
  const fs::path target = dir_ / "out.txt";
  AtomicFile a(target.string());
  AtomicFile b(target.string());
  a.write("from a");
  b.write("from b");
  EXPECT_EQ(entries().size(), 2u);
  a.commit();
  b.commit();
  EXPECT_EQ(read_all(target), "from b");
}

TEST_F(AtomicFileTest, CommittingAnEmptyFileCreatesAnEmptyFile) {
  const fs::path target = dir_ / "empty.txt";
  {
    AtomicFile f(target.string());
    f.commit();
  }
  ASSERT_TRUE(fs::exists(target));
  EXPECT_EQ(fs::file_size(target), 0u);
}

TEST_F(AtomicFileTest, PathReturnsTheTargetNotTheTemporary) {
  const fs::path target = dir_ / "out.txt";
  AtomicFile f(target.string());
  EXPECT_EQ(f.path(), target.string());
}

TEST_F(AtomicFileTest, MissingDirectoryThrowsIoErrorNamingThePath) {
  const fs::path target = dir_ / "no_such_dir" / "out.txt";
  try {
    AtomicFile f(target.string());
    FAIL() << "no exception";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace evclass::core
