// The sentences dftriage writes, in the reader's language (exec::message_in).

#include "dftriage/exec/messages.hpp"

#include <catch2/catch.hpp>

using dftriage::exec::message_in;
using dftriage::playbook::Lang;

TEST_CASE("a known message reads in Chinese with its values kept", "[exec][messages]")
{
  CHECK(message_in("already in place: nothing to change", Lang::zh_cn) == "已经就位：无需更改");
  CHECK(message_in("confirmed with --yes by alice", Lang::zh_cn) == "由 alice 以 --yes 确认");
  CHECK(message_in("not done yet: waiting for the owner", Lang::zh_cn) ==
        "尚未完成：waiting for the owner");
  CHECK(message_in("not done yet", Lang::zh_cn) == "尚未完成");
  // Values in another order in Chinese.
  CHECK(message_in("client 1111 in tenant 2222 (client secret (lab))", Lang::zh_cn) ==
        "租户 2222 中的客户端 1111（client secret (lab)）");
  CHECK(message_in(
            "parameter scope names subscription s2, outside this case's scope (s1); widen it with "
            "--subscription if that is intended",
            Lang::zh_cn) ==
        "参数 scope 指向订阅 s2，超出本案例的范围（s1）；如确有需要，请用 --subscription 扩大范围");
  CHECK(message_in("  enable-firewall: undone", Lang::zh_cn) == "  enable-firewall：已撤销");
  CHECK(message_in("  enable-firewall: undo failed: DELETE x: 500", Lang::zh_cn) ==
        "  enable-firewall：撤销失败：DELETE x: 500");
}

TEST_CASE("English, and a message not ours, are returned as they are", "[exec][messages]")
{
  CHECK(message_in("confirmed with --yes by alice", Lang::en) == "confirmed with --yes by alice");
  const std::string azure =
      "PATCH https://x: 409 Conflict ConflictError: the vault is busy (request ID 1)";
  CHECK(message_in(azure, Lang::zh_cn) == azure);
  CHECK(message_in("", Lang::zh_cn).empty());
  // A pattern needs a value where its {} stands, and the whole message to match.
  CHECK(message_in("confirmed with --yes by ", Lang::zh_cn) == "confirmed with --yes by ");
  CHECK(message_in("  : undone", Lang::zh_cn) == "  : undone");
  CHECK(message_in("not applicable, really", Lang::zh_cn) == "not applicable, really");
}
