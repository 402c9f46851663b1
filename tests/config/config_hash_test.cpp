#include "harness/config/config_hash.h"

#include <gtest/gtest.h>

#include "harness/config/compose.h"
#include "harness/config/sha256.h"
#include "harness/config/yaml_json.h"
#include "tests/config/temp_tree.h"

namespace pgd::config {
namespace {

// FIPS 180-2 appendix B and the NIST example vectors.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingBoundaries) {
  // 55, 56 and 64 bytes: the length field fits, just misses, and needs a whole extra block.
  EXPECT_EQ(sha256_hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, PiecewiseUpdatesEqualOneShot) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += static_cast<char>('a' + i % 26);
  for (size_t split : {0u, 1u, 63u, 64u, 65u, 128u, 299u}) {
    Sha256 h;
    h.update(std::string_view(text).substr(0, split));
    h.update(std::string_view(text).substr(split));
    auto digest = h.finish();
    EXPECT_EQ(to_hex(digest.data(), digest.size()), sha256_hex(text)) << split;
  }
}

TEST(CanonicalJson, SortedCompactAndStableNumbers) {
  nlohmann::json v = parse_yaml("b: 1\na: [1.0, x, null, true, 0.1, 1e-5, -3]\n", "t");
  EXPECT_EQ(canonical_json(v), R"({"a":[1.0,"x",null,true,0.1,1e-5,-3],"b":1})");
  EXPECT_EQ(canonical_json(nlohmann::json("q\"\n")), R"("q\"\n")");
}

TEST(ConfigHash, PinsTheCanonicalForm) {
  EXPECT_EQ(config_hash(nlohmann::json::parse(R"({"b": 2.5, "a": 1})")),
            sha256_hex(R"({"a":1,"b":2.5})"));
}

TEST(ConfigHash, SameContentDifferentKeyOrderSameHash) {
  nlohmann::json a = parse_yaml("a: 1\nb: {c: 2, d: [x, y]}\n", "a");
  nlohmann::json b = parse_yaml("b:\n  d: [x, y]\n  c: 2\na: 1\n", "b");
  EXPECT_EQ(config_hash(a), config_hash(b));
  EXPECT_EQ(config_hash(a).size(), 64u);
}

TEST(ConfigHash, AnyChangeChangesTheHash) {
  const nlohmann::json base = parse_yaml("a: 1\nb: {c: 2, d: [x, y], e: {f: 0.5}}\n", "t");
  std::vector<nlohmann::json> variants(7, base);
  variants[0]["a"] = 2;
  variants[1]["b"]["e"]["f"] = 0.25;                               // nested value
  variants[2]["b"]["d"] = nlohmann::json::parse(R"(["y", "x"])");  // list order
  variants[3]["b"]["new"] = nullptr;                               // added key, even null
  variants[4]["b"].erase("c");
  variants[5]["a"] = "1";  // type: string
  variants[6]["a"] = 1.0;  // type: float
  const std::string h = config_hash(base);
  for (size_t i = 0; i < variants.size(); ++i) EXPECT_NE(config_hash(variants[i]), h) << i;
}

TEST(ConfigHash, ThreadsAtTheTopLevelIsIgnored) {
  nlohmann::json a = parse_yaml("threads: 0\nseed: 1\nx: {threads: 1}\n", "t");
  nlohmann::json b = a;
  b["threads"] = 16;
  nlohmann::json c = a;
  c.erase("threads");
  EXPECT_EQ(config_hash(a), config_hash(b));
  EXPECT_EQ(config_hash(a), config_hash(c));
  nlohmann::json d = a;
  d["x"]["threads"] = 2;  // only the top-level key is excluded
  EXPECT_NE(config_hash(a), config_hash(d));
}

// Keys added after databases existed hash as absent while they hold the value that does what
// runs did before (so those databases resume), and as themselves otherwise.
TEST(ConfigHash, NeutralValuesOfNewerKeysHashAsAbsent) {
  const nlohmann::json before = parse_yaml("method: {name: gd}\nseed: 1\n", "t");
  nlohmann::json neutral = before;
  neutral["method"]["checkpoint"] = "off";
  neutral["method"]["input_size"] = 0;
  neutral["method"]["inner_chunk"] = 0;
  EXPECT_EQ(config_hash(neutral), config_hash(before));
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"checkpoint", "stages"},
                                                           {"input_size", 256},
                                                           {"input_size", "auto"},
                                                           {"input_size", 0.0},
                                                           {"inner_chunk", 8}}) {
    nlohmann::json changed = neutral;
    changed["method"][key] = value;
    EXPECT_NE(config_hash(changed), config_hash(before)) << key << "=" << value.dump();
  }
  // dataset.stream (issue 16): false is what PANDA runs did before it existed.
  nlohmann::json panda = before;
  panda["dataset"] = {{"name", "panda"}};
  nlohmann::json unstreamed = panda;
  unstreamed["dataset"]["stream"] = false;
  EXPECT_EQ(config_hash(unstreamed), config_hash(panda));
  unstreamed["dataset"]["stream"] = true;
  EXPECT_NE(config_hash(unstreamed), config_hash(panda));
  nlohmann::json elsewhere = before;
  elsewhere["checkpoint"] = "off";  // only under `method`
  EXPECT_NE(config_hash(elsewhere), config_hash(before));
}

TEST(ConfigHash, HashIsOverContentNotHowItWasReached) {
  testing::TempTree t;
  testing::write_sample_tree(t);
  const std::string plain = config_hash(compose_config(t.root(), {}));
  EXPECT_EQ(config_hash(compose_config(t.root(), {"dataset.image_size=64"})), plain);
  EXPECT_EQ(config_hash(compose_config(t.root(), {"threads=8"})), plain);
  EXPECT_EQ(config_hash(compose_config(t.root(), {"train.lr=0.001"})), plain);
  EXPECT_NE(config_hash(compose_config(t.root(), {"train.lr=0.002"})), plain);
  // The same content written as a different file gives the same hash.
  t.write("dataset/copy.yaml", "cache: null\nweights: [1, 2]\nimage_size: 64\nname: small\n");
  EXPECT_EQ(config_hash(compose_config(t.root(), {"dataset=copy"})), plain);
}

}  // namespace
}  // namespace pgd::config
