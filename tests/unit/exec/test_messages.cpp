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
        "租户 2222 中的客户端 1111（实验环境的客户端密码）");
  CHECK(message_in(
            "parameter scope names subscription s2, outside this case's scope (s1); widen it with "
            "--subscription if that is intended",
            Lang::zh_cn) ==
        "参数 scope 指向订阅 s2，超出本案例的范围（s1）；如确有需要，请用 --subscription 扩大范围");
  CHECK(message_in("  enable-firewall: undone", Lang::zh_cn) == "  enable-firewall：已撤销");
  CHECK(message_in("  enable-firewall: undo failed: DELETE x: 500", Lang::zh_cn) ==
        "  enable-firewall：撤销失败：DELETE x: 500");
}

TEST_CASE("the credential that answered reads in Chinese, also inside a principal",
          "[exec][messages]")
{
  CHECK(message_in("client secret (lab)", Lang::zh_cn) == "实验环境的客户端密码");
  CHECK(message_in("client secret (cloud file lab.json)", Lang::zh_cn) ==
        "云配置文件 lab.json 中的客户端密码");
  CHECK(message_in("managed identity (IMDS)", Lang::zh_cn) == "IMDS 托管标识");
  CHECK(message_in("tenant 2222 (client certificate (environment))", Lang::zh_cn) ==
        "租户 2222（环境变量中的客户端证书）");
  // A credential this table does not know stays as it is inside the principal.
  CHECK(message_in("client 1111 in tenant 2222 (Azure CLI)", Lang::zh_cn) ==
        "租户 2222 中的客户端 1111（Azure CLI）");
}

TEST_CASE("why a step of a plan is not planned reads in Chinese", "[exec][messages]")
{
  CHECK(message_in("step origin-unverified goes to mitigate", Lang::zh_cn) ==
        "步骤 origin-unverified 转到 mitigate");
  CHECK(message_in("needs an answer to ranges", Lang::zh_cn) == "需要先回答 ranges");
  CHECK(message_in("the walk stopped at step close", Lang::zh_cn) == "流程在步骤 close 处结束");
  CHECK(message_in("its condition does not hold", Lang::zh_cn) == "它的条件不成立");
  CHECK(message_in("the alert does not meet the playbook's requirements", Lang::zh_cn) ==
        "告警不满足剧本的前提条件");
  CHECK(message_in("parameter blockedIps: \"185.220.101.47\" is inside the allowed range "
                   "\"0.0.0.0/0\" (allowedIps): the firewall would let it in; narrow the range",
                   Lang::zh_cn) ==
        "参数 blockedIps：\"185.220.101.47\" 落在允许的范围 "
        "\"0.0.0.0/0\"（allowedIps）之内，防火墙开启后仍会放行它；请缩小该范围");
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
