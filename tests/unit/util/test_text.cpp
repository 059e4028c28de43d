#include "dftriage/util/base64.hpp"
#include "dftriage/util/ip.hpp"
#include "dftriage/util/terminal.hpp"
#include "dftriage/util/text.hpp"
#include "dftriage/util/time.hpp"

#include <catch2/catch.hpp>

using namespace dftriage;

TEST_CASE("fold_key makes the export shapes' property names comparable")
{
  CHECK(text::fold_key("Attacker IP Address") == "attacker ip address");
  CHECK(text::fold_key("attacker IP  Address ") == "attacker ip address");
  CHECK(text::fold_key("attacker_ip_address") == "attacker ip address");
  CHECK(text::fold_key("principalOid") == "principaloid");
}

TEST_CASE("quote escapes input for messages and cuts it")
{
  CHECK(text::quote("a\"b") == R"("a\"b")");
  CHECK(text::quote("\x1b[31mred") == R"("\u001b[31mred")");
  CHECK(text::quote("\xe2\x80\xae") == R"("\u202e")");
  CHECK(text::quote(std::string(200, 'x'), 5) == "\"xxxxx\"...");
}

TEST_CASE("closest suggests a near name or nothing")
{
  const std::vector<std::string> names{"arm", "azcli", "export", "sentinel", "graph", "arg"};
  CHECK(text::closest("exprot", names) == "export");
  CHECK(text::closest("sentinal", names) == "sentinel");
  CHECK(text::closest("zzzzzzzz", names).empty());
}

TEST_CASE("edit_distance and did_you_mean: one hint for every unknown name")
{
  CHECK(text::edit_distance("kitten", "sitting") == 3);
  CHECK(text::edit_distance("AzureCloud", "azurecloudd") == 1); // ASCII case is ignored
  CHECK(text::edit_distance("", "abc") == 3);
  const std::vector<std::string> names{"keyvault.firewall", "keyvault.purge_protection"};
  CHECK(text::did_you_mean("keyvault.firewal", names) == "; did you mean \"keyvault.firewall\"?");
  CHECK(text::did_you_mean("compute.stop", names).empty());
  CHECK(text::did_you_mean("x", {}).empty());
  // The suggestion is quoted like any other text in a message.
  CHECK(text::did_you_mean("a\x1b", {"a\x1b"
                                     "b"}) == R"(; did you mean "a\u001bb"?)");
}

TEST_CASE("sanitize makes attacker-controlled text safe for a terminal")
{
  SECTION("escape sequences and control characters become visible escapes")
  {
    CHECK(terminal::sanitize("\x1b]0;owned\x07ok") == "\\x1b]0;owned\\x07ok");
    CHECK(terminal::sanitize("a\r\nb\tc") == "a\\r\\nb\\tc");
    CHECK(terminal::sanitize(std::string("nul\0x", 5)) == "nul\\x00x");
    CHECK(terminal::sanitize("\x7f") == "\\x7f");
  }
  SECTION("C1 controls, bidi overrides and invalid UTF-8")
  {
    CHECK(terminal::sanitize("\xc2\x9b"
                             "31m") == "\\u009b31m");
    CHECK(terminal::sanitize("evil\xe2\x80\xae"
                             "txt.exe") == "evil\\u202etxt.exe");
    CHECK(terminal::sanitize("\xff\xfe") == "\\xff\\xfe");
    CHECK(terminal::sanitize("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // a surrogate
  }
  SECTION("printable text, accents and CJK stay")
  {
    CHECK(terminal::sanitize("Zürich 北京 a\u202fb") == "Zürich 北京 a\u202fb");
  }
}

TEST_CASE("paint adds colour only when enabled")
{
  CHECK(terminal::paint("x", terminal::Colour::red, false) == "x");
  CHECK(terminal::paint("x", terminal::Colour::red, true) == "\x1b[31mx\x1b[0m");
}

TEST_CASE("normalise_utc reads the time formats Defender exports use")
{
  CHECK(time::normalise_utc("2022-11-17T09:17:49.5137586Z") == "2022-11-17T09:17:49.5137586Z");
  CHECK(time::normalise_utc("2022-11-21T01:00:00Z") == "2022-11-21T01:00:00Z");
  CHECK(time::normalise_utc("2022-11-21T01:00:00") == "2022-11-21T01:00:00Z");
  CHECK(time::normalise_utc("2022-11-21T01:30:00+02:00") == "2022-11-20T23:30:00Z");
  CHECK(time::normalise_utc("2022-12-31T23:30:00.25-01:00") == "2023-01-01T00:30:00.25Z");
  CHECK(time::normalise_utc("11/17/2022 09:17:49") == "2022-11-17T09:17:49Z");
  CHECK_FALSE(time::normalise_utc("2022-02-30T00:00:00Z"));
  CHECK(time::normalise_utc("2024-02-29T00:00:00Z") == "2024-02-29T00:00:00Z");
  CHECK_FALSE(time::normalise_utc("2023-02-29T00:00:00Z"));
  CHECK_FALSE(time::normalise_utc("yesterday"));
  CHECK_FALSE(time::normalise_utc("2022-11-17T09:17:49Zjunk"));
}

TEST_CASE("ip::is_valid accepts real addresses only")
{
  CHECK(ip::is_valid("185.220.101.47"));
  CHECK(ip::is_valid("2001:db8::1"));
  CHECK(ip::is_valid("::ffff:192.0.2.1"));
  CHECK_FALSE(ip::is_valid("00.00.00.00")); // Defender's sanitised samples
  CHECK_FALSE(ip::is_valid("00.00.00.000"));
  CHECK_FALSE(ip::is_valid("256.1.1.1"));
  CHECK_FALSE(ip::is_valid("1.2.3"));
  CHECK_FALSE(ip::is_valid("1.2.3.4\x1b[0m"));
  CHECK_FALSE(ip::is_valid(""));
}

TEST_CASE("an address is in a range of its own family only, and text is in none")
{
  CHECK(dftriage::ip::in_range("203.0.113.9", "203.0.113.0/24"));
  CHECK(dftriage::ip::in_range("203.0.113.9", "203.0.113.9"));
  CHECK(dftriage::ip::in_range("203.0.113.9", "0.0.0.0/0"));
  CHECK_FALSE(dftriage::ip::in_range("203.0.114.9", "203.0.113.0/24"));
  CHECK(dftriage::ip::in_range("2001:db8::1", "2001:db8::/32"));
  CHECK_FALSE(dftriage::ip::in_range("2001:db8::1", "0.0.0.0/0"));
  CHECK_FALSE(dftriage::ip::in_range("203.0.113.9\x1b[0m", "0.0.0.0/0"));
  CHECK_FALSE(dftriage::ip::in_range("203.0.113.9", "203.0.113.0/33"));
  CHECK_FALSE(dftriage::ip::in_range("203.0.113.9", "203.0.113.0/x"));
  CHECK(dftriage::ip::in_range("10.1.2.3", "10.0.0.0/7"));
}

TEST_CASE("base64url round-trips, takes standard base64 and padding, and refuses anything else")
{
  CHECK(dftriage::base64url_encode("\xfb\xff") == "-_8");
  CHECK(dftriage::base64url_decode("-_8") == std::string("\xfb\xff"));
  CHECK(dftriage::base64url_decode("+/8=") == std::string("\xfb\xff"));
  CHECK(dftriage::base64url_decode("aGVsbG8") == std::string("hello"));
  CHECK(!dftriage::base64url_decode("aGV sbG8"));
  CHECK(!dftriage::base64url_decode("aG=Vs"));
  CHECK(dftriage::base64url_decode("") == std::string());
}
