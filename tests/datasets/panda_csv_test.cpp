// train.csv parsing: quoting, line ends, header order, and errors that name file:line.
#include "datasets/panda_csv.h"

#include <gtest/gtest.h>

#include "datasets/dataset.h"
#include "tests/datasets/panda_test_slides.h"

namespace pgd::data {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_panda_csv(text, "train.csv");
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(PandaCsv, ParsesTheKaggleLayout) {
  const auto rows = parse_panda_csv(
      "image_id,data_provider,isup_grade,gleason_score\n"
      "0005f7aaab2800f6170c399693a96917,karolinska,0,0+0\n"
      "000920ad0b612851f8e01bcc880d9b3d,karolinska,0,0+0\n"
      "0018ae58b01bdadc8e347995b69f99aa,radboud,4,4+4\n",
      "train.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].image_id, "0005f7aaab2800f6170c399693a96917");
  EXPECT_EQ(rows[2].data_provider, "radboud");
  EXPECT_EQ(rows[2].isup_grade, 4);
  EXPECT_EQ(rows[2].gleason_score, "4+4");
  EXPECT_EQ(rows[2].line, 4);
}

TEST(PandaCsv, HandlesQuotesCrlfBomBlankLinesAndColumnOrder) {
  const auto rows = parse_panda_csv(
      "\xEF\xBB\xBFisup_grade,\"image_id\",gleason_score,data_provider\r\n"
      "\r\n"
      "5,\"a1\",\"5+5\",\"rad, \"\"boud\"\"\"\r\n"
      " 3 ,b2,negative,\"multi\nline\"\r\n",
      "train.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].image_id, "a1");
  EXPECT_EQ(rows[0].isup_grade, 5);
  EXPECT_EQ(rows[0].data_provider, "rad, \"boud\"");
  EXPECT_EQ(rows[0].line, 3);
  EXPECT_EQ(rows[1].image_id, "b2");
  EXPECT_EQ(rows[1].isup_grade, 3);
  EXPECT_EQ(rows[1].data_provider, "multi\nline");
  EXPECT_EQ(rows[1].line, 4);
}

TEST(PandaCsv, OptionalColumnsMayBeAbsent) {
  const auto rows = parse_panda_csv("image_id,isup_grade\nx,1\n", "train.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].data_provider, "");
  EXPECT_EQ(rows[0].isup_grade, 1);
}

TEST(PandaCsv, BadGradeNamesFileLineAndValue) {
  const std::string head = "image_id,data_provider,isup_grade,gleason_score\n";
  std::string e = error_of(head + "a,karolinska,0,0+0\nb,karolinska,7,4+5\n");
  EXPECT_NE(e.find("train.csv:3"), std::string::npos) << e;
  EXPECT_NE(e.find("isup_grade '7'"), std::string::npos) << e;
  EXPECT_NE(e.find("0..5"), std::string::npos) << e;
  for (const char* bad : {"-1", "x", "", "2.0", "6"}) {
    e = error_of(head + "a,karolinska," + bad + ",0+0\n");
    EXPECT_NE(e.find("train.csv:2"), std::string::npos) << bad << ": " << e;
    EXPECT_NE(e.find("isup_grade"), std::string::npos) << bad << ": " << e;
  }
}

TEST(PandaCsv, MissingColumnNamesTheLine) {
  const std::string e = error_of(
      "image_id,data_provider,isup_grade,gleason_score\n"
      "a,karolinska,0,0+0\n"
      "b,karolinska,1\n");
  EXPECT_NE(e.find("train.csv:3"), std::string::npos) << e;
  EXPECT_NE(e.find("expected 4 columns"), std::string::npos) << e;
  EXPECT_NE(e.find("found 3"), std::string::npos) << e;
}

TEST(PandaCsv, HeaderWithoutGradeColumn) {
  const std::string e = error_of("image_id,data_provider,gleason_score\na,k,0+0\n");
  EXPECT_NE(e.find("train.csv:1"), std::string::npos) << e;
  EXPECT_NE(e.find("'isup_grade'"), std::string::npos) << e;
}

TEST(PandaCsv, DuplicateImageIdNamesBothLines) {
  const std::string e = error_of("image_id,isup_grade\na,1\nb,2\na,3\n");
  EXPECT_NE(e.find("train.csv:4"), std::string::npos) << e;
  EXPECT_NE(e.find("duplicate image_id 'a'"), std::string::npos) << e;
  EXPECT_NE(e.find("line 2"), std::string::npos) << e;
}

TEST(PandaCsv, UnsafeOrEmptyIdsAndStructuralErrors) {
  EXPECT_NE(error_of("image_id,isup_grade\n../etc/passwd,1\n").find("train.csv:2"), std::string::npos);
  EXPECT_NE(error_of("image_id,isup_grade\n,1\n").find("image_id ''"), std::string::npos);
  EXPECT_NE(error_of("image_id,isup_grade\n\"a,1\n").find("unterminated"), std::string::npos);
  EXPECT_NE(error_of("image_id,isup_grade\n\"a\"x,1\n").find("after a closing quote"), std::string::npos);
  EXPECT_NE(error_of("").find("empty file"), std::string::npos);
  EXPECT_NE(error_of("image_id,isup_grade\n").find("no rows"), std::string::npos);
}

TEST(PandaCsv, ReadNamesAMissingFile) {
  testing::TempDir dir;
  try {
    read_panda_csv(dir / "nope.csv");
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("nope.csv"), std::string::npos) << e.what();
  }
  testing::write_text(dir / "t.csv", "image_id,isup_grade\nq,2\n");
  EXPECT_EQ(read_panda_csv(dir / "t.csv").at(0).image_id, "q");
}

}  // namespace
}  // namespace pgd::data
