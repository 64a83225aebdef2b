#include "engine/live/http_prober.h"

#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <functional>
#include "engine/live/asio_types.h"

namespace faultline::live {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

// One probe: connect, ask, read the status, close. `report` runs once with the verdict.
class ProbeExchange : public std::enable_shared_from_this<ProbeExchange> {
 public:
  ProbeExchange(asio::io_context& io, tcp::endpoint endpoint, const std::string& path,
                balancer::Duration timeout, std::optional<balancer::Duration> trip_out,
                PendingTrip trip_back, bool broken, std::function<void(bool)> report)
      : socket_(io),
        deadline_(io),
        trip_timer_(io),
        endpoint_(std::move(endpoint)),
        timeout_(timeout),
        trip_out_(trip_out),
        trip_back_(trip_back),
        broken_(broken),
        report_(std::move(report)) {
    request_.method(http::verb::get);
    request_.target(path);
    request_.version(11);
    request_.set(http::field::host,
                 endpoint_.address().to_string() + ":" + std::to_string(endpoint_.port()));
    request_.set(http::field::user_agent, "faultline-health-check");
    request_.keep_alive(false);
    parser_.header_limit(16 * 1024);
    parser_.body_limit(64 * 1024);
  }

  void start() {
    deadline_.expires_after(timeout_);
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
      if (!e) self->conclude(false);
    });
    if (!trip_out_) return;  // lost on the way: the deadline fails it
    if (*trip_out_ <= balancer::Duration::zero()) return connect();
    trip_timer_.expires_after(*trip_out_);  // the probe's way out
    trip_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
      if (!e && !self->concluded_) self->connect();
    });
  }

  void abort() {
    report_ = nullptr;
    conclude(false);
  }

 private:
  // Past the way out: an injected refusal or reset fails the probe there, as the host's answer.
  void connect() {
    if (broken_) return answerBack(false);
    connectNow();
  }

  void connectNow() {
    socket_.async_connect(endpoint_, [self = shared_from_this()](boost::system::error_code e) {
      if (e) return self->answerBack(false);
      http::async_write(self->socket_, self->request_,
                        [self](boost::system::error_code error, std::size_t) {
                          if (error) return self->answerBack(false);
                          self->read();
                        });
    });
  }

  void read() {
    http::async_read(socket_, buffer_, parser_,
                     [self = shared_from_this()](boost::system::error_code e, std::size_t) {
                       if (e) return self->answerBack(false);
                       self->answerBack(self->parser_.get().result_int() < 400);
                     });
  }

  // What the host said travels back before the balancer hears it.
  void answerBack(bool passed) {
    if (concluded_) return;
    const auto back = trip_back_.take();
    if (back && *back <= balancer::Duration::zero()) return conclude(passed);
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (!back) return;  // lost on the way back: the deadline fails it
    trip_timer_.expires_after(*back);
    trip_timer_.async_wait([self = shared_from_this(), passed](const boost::system::error_code& e) {
      if (!e) self->conclude(passed);
    });
  }

  // Closes the socket (a pending operation ends with an error and finds the probe concluded).
  void conclude(bool passed) {
    if (concluded_) return;
    concluded_ = true;
    deadline_.cancel();
    trip_timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (auto report = std::exchange(report_, nullptr)) report(passed);
  }

  Socket socket_;
  Timer deadline_;
  Timer trip_timer_;
  tcp::endpoint endpoint_;
  balancer::Duration timeout_;
  std::optional<balancer::Duration> trip_out_;
  PendingTrip trip_back_;
  bool broken_;
  std::function<void(bool)> report_;
  http::request<http::empty_body> request_;
  boost::beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  bool concluded_ = false;
};

HttpProber::HttpProber(asio::io_context& io, std::vector<tcp::endpoint> hosts, std::string path,
                       balancer::Duration timeout, NetworkPaths* network, TimeScale scale)
    : io_(io),
      hosts_(std::move(hosts)),
      path_(std::move(path)),
      timeout_(timeout),
      network_(network),
      scale_(scale) {}

HttpProber::~HttpProber() {
  stop();
}

void HttpProber::stop() {
  *alive_ = false;
  for (auto& weak : in_flight_) {
    if (auto exchange = weak.lock()) exchange->abort();
  }
  in_flight_.clear();
}

void HttpProber::probe(balancer::HostIndex host, std::uint64_t probe_id) {
  if (!*alive_ || host >= hosts_.size()) return;
  std::erase_if(in_flight_, [](const auto& weak) { return weak.expired(); });
  std::optional<balancer::Duration> out = balancer::Duration::zero();
  PendingTrip back;
  if (network_ != nullptr) {
    out = network_->trip(host, std::nullopt, /*back=*/false);
    if (out) out = scale_.toReal(*out);
    back = PendingTrip{
        .paths = network_, .backend = host, .zone = std::nullopt, .back = true, .scale = scale_};
  }
  const TryEffect effect = faults_ ? faults_(host) : TryEffect{};
  if (out) *out += effect.delay;
  auto exchange = std::make_shared<ProbeExchange>(
      io_, hosts_[host], path_, timeout_, out, back, effect.reset || effect.refused,
      [this, alive = alive_, host, probe_id](bool passed) {
        if (*alive && balancer_ != nullptr) balancer_->onProbeResult(host, probe_id, passed);
      });
  in_flight_.push_back(exchange);
  exchange->start();
}

}  // namespace faultline::live
