#include "cli/walk_text.hpp"

#include <catch2/catch.hpp>

using namespace dftriage::cli;

TEST_CASE("display_width counts CJK characters as two columns")
{
  CHECK(display_width("abc") == 3);
  CHECK(display_width("密钥保管库") == 10);
  CHECK(display_width("Key Vault 防火墙") == 16);
}

TEST_CASE("wrap measures display width and breaks between CJK characters, never inside a word")
{
  SECTION("English wraps at spaces")
  {
    CHECK(wrap("one two three four", 9, "  ") == "  one two\n  three\n  four\n");
  }
  SECTION("Chinese without spaces wraps by width")
  {
    const auto out = wrap("打开密钥保管库的防火墙，只允许受信任的网络访问。", 20, "");
    for (const auto& line : {std::string("打开密钥保管库的防火"),
                             std::string("墙，只允许受信任的网"), std::string("络访问。")}) {
      CHECK(out.find(line + "\n") != std::string::npos);
    }
    std::size_t start = 0;
    while (start < out.size()) {
      const auto end = out.find('\n', start);
      CHECK(display_width(out.substr(start, end - start)) <= 20);
      start = end + 1;
    }
  }
  SECTION("closing punctuation never starts a line")
  {
    const auto out = wrap("一二三四五，六七", 10, "");
    CHECK(out.rfind("，", 0) != 0);
    CHECK(out.find("\n，") == std::string::npos);
  }
  SECTION("a Latin word inside Chinese text stays whole")
  {
    const auto out = wrap("请联系Microsoft Entra管理员", 14, "");
    CHECK(out.find("Microsoft") != std::string::npos);
    CHECK(out.find("Micro\n") == std::string::npos);
  }
}

TEST_CASE("outcome and phase words are Chinese under zh-CN")
{
  CHECK(outcome_word("done", dftriage::playbook::Lang::zh_cn) == "已完成");
  CHECK(outcome_word("done", dftriage::playbook::Lang::en) == "done");
  CHECK(phase_word(dftriage::playbook::Phase::mitigate, dftriage::playbook::Lang::zh_cn) == "缓解");
}

TEST_CASE("the executor's messages about a step are shown in Chinese under zh-CN")
{
  using dftriage::playbook::Lang;
  CHECK(message_word("already in place: nothing to change", Lang::zh_cn) == "已经就位：无需更改");
  CHECK(message_word("not done yet: waiting for the network team", Lang::zh_cn) ==
        "尚未完成：waiting for the network team");
  CHECK(message_word("already in place: nothing to change", Lang::en) ==
        "already in place: nothing to change");
  CHECK(message_word("something else", Lang::zh_cn) == "something else");
}
