// The proxy's own head writer against Beast's serializer: the same bytes, request or response,
// HTTP/1.0 or 1.1, with and without a reason phrase.
#include "engine/live/http_messages.h"

#include <gtest/gtest.h>

#include <boost/beast/http/write.hpp>
#include <sstream>

namespace faultline::live {
namespace {

template <bool kIsRequest>
std::string beastHead(const http::message<kIsRequest, http::string_body>& message) {
  std::ostringstream out;
  out << message.base();
  return out.str();
}

TEST(HttpMessages, HeadsAreWrittenAsBeastWritesThem) {
  HttpRequest post{http::verb::post, "/orders?id=7", 11};
  post.set(http::field::host, "shop");
  post.set("X-Forwarded-For", "203.0.113.9, 127.0.0.1");
  post.body() = "{\"item\": 1}";
  post.prepare_payload();
  EXPECT_EQ(headBytes(post), beastHead(post));
  HttpRequest old{http::verb::get, "/", 10};
  EXPECT_EQ(headBytes(old), beastHead(old));
  HttpResponse ok{http::status::ok, 11};
  ok.set(http::field::server, "nginx");
  ok.body() = "hello";
  ok.prepare_payload();
  EXPECT_EQ(headBytes(ok), beastHead(ok));
  HttpResponse odd{http::status::not_found, 10};
  odd.reason("Nowhere To Be Found");
  EXPECT_EQ(headBytes(odd), beastHead(odd));
  HttpResponse unknown;
  unknown.result(599);
  unknown.version(11);
  EXPECT_EQ(headBytes(unknown), beastHead(unknown));
}

TEST(HttpMessages, ASmallBodyTravelsWithItsHeadAndALargeOneApart) {
  HttpResponse small{http::status::ok, 11};
  small.body() = "tiny";
  small.prepare_payload();
  const Wire together = wireOf(headBytes(small), small);
  EXPECT_EQ(together.body_apart, nullptr);
  EXPECT_EQ(together.bytes, headBytes(small) + "tiny");
  HttpResponse large{http::status::ok, 11};
  large.body().assign(64 * 1024, 'x');
  large.prepare_payload();
  const Wire apart = wireOf(headBytes(large), large);
  EXPECT_EQ(apart.body_apart, &large.body());
  EXPECT_EQ(apart.bytes, headBytes(large));
}

TEST(HttpMessages, TriesEndAsTheBalancerFilesThem) {
  EXPECT_EQ(outcomeOfStatus(200), balancer::Outcome::kSuccess);
  EXPECT_EQ(outcomeOfStatus(304), balancer::Outcome::kSuccess);
  EXPECT_EQ(outcomeOfStatus(404), balancer::Outcome::kClientError);
  EXPECT_EQ(outcomeOfStatus(503), balancer::Outcome::kOverloaded);
  EXPECT_EQ(outcomeOfStatus(502), balancer::Outcome::kGatewayError);
  EXPECT_EQ(outcomeOfStatus(504), balancer::Outcome::kGatewayError);
  EXPECT_EQ(outcomeOfStatus(500), balancer::Outcome::kServerError);
}

}  // namespace
}  // namespace faultline::live
