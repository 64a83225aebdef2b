#include "engine/live/tier_front.h"

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace faultline::live {

namespace asio = boost::asio;
using asio::ip::tcp;

struct TierFront::Exchange {
  std::shared_ptr<const HttpRequest> request;
  unsigned version = 11;
  std::uint64_t key = 0;      // the request's, for the router
  std::uint32_t zone = 0;     // its client's
  std::uint32_t attempt = 0;  // connections refused so far
  std::shared_ptr<UpstreamTry> upstream;
  std::function<void(HttpResponse)> reply;  // null once the client has gone
};

// One client connection to the front: requests one at a time, each forwarded, its answer
// written back, until the client closes (its timeout) and takes the request in flight with it.
class FrontSession : public std::enable_shared_from_this<FrontSession> {
 public:
  FrontSession(Socket socket, TierFront& front) : socket_(std::move(socket)), front_(front) {}

  void start() { read(); }

  void close() {
    if (closed_) return;
    closed_ = true;
    if (current_) {
      current_->reply = nullptr;
      if (current_->upstream) current_->upstream->cancel();
      current_.reset();
    }
    boost::system::error_code ignored;
    socket_.close(ignored);
    front_.sessionClosed(*this);
  }

 private:
  void read() {
    parser_.emplace();
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                       self->onRead(error);
                     });
  }

  void onRead(boost::system::error_code error) {
    if (closed_) return;
    if (error) return close();
    auto exchange = std::make_shared<TierFront::Exchange>();
    HttpRequest request = parser_->release();
    exchange->version = request.version();
    exchange->zone = front_.zoneOf(request);
    exchange->request = std::make_shared<HttpRequest>(std::move(request));
    exchange->reply = [self = shared_from_this()](HttpResponse response) {
      self->write(std::move(response));
    };
    current_ = exchange;
    front_.forward(exchange);
  }

  void write(HttpResponse response) {
    if (closed_) return;
    current_.reset();
    prepareDownstreamResponse(response, /*keep_alive=*/true, /*head_request=*/false);
    out_ = std::make_shared<HttpResponse>(std::move(response));
    http::async_write(socket_, *out_,
                      [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                        if (self->closed_) return;
                        if (error) return self->close();
                        self->read();
                      });
  }

  Socket socket_;
  TierFront& front_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<TierFront::Exchange> current_;
  std::shared_ptr<HttpResponse> out_;
  bool closed_ = false;
};

TierFront::TierFront(asio::io_context& io, sim::TierRouter& router, balancer::Runtime& clock,
                     std::uint32_t client, std::vector<tcp::endpoint> instances,
                     std::shared_ptr<NetworkPaths> paths, Options options)
    : io_(io),
      router_(router),
      clock_(clock),
      client_(client),
      paths_(std::move(paths)),
      options_(std::move(options)),
      acceptor_(io),
      accept_pause_(io) {
  constexpr std::size_t kMostIdlePerInstance = 1024;
  for (const auto& endpoint : instances) {
    pools_.push_back(std::make_unique<UpstreamPool>(io, endpoint, limits_.connect_timeout,
                                                    limits_.upstream_idle_timeout,
                                                    kMostIdlePerInstance));
  }
}

TierFront::~TierFront() {
  *alive_ = false;
  accept_pause_.cancel();
  std::vector<std::shared_ptr<FrontSession>> open;
  for (auto& [raw, session] : sessions_)
    open.push_back(session);
  for (auto& session : open)
    session->close();
}

std::optional<std::string> TierFront::listen() {
  return listenOn(acceptor_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
}

std::uint16_t TierFront::port() const {
  boost::system::error_code error;
  const auto endpoint = acceptor_.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

void TierFront::start() {
  accept();
}

void TierFront::accept() {
  acceptor_.async_accept([this, alive = alive_](boost::system::error_code error, Socket socket) {
    if (!*alive || error == asio::error::operation_aborted) return;
    if (error) {  // out of descriptors, say: again a little later, not in a loop that spins
      accept_pause_.expires_after(std::chrono::milliseconds(100));
      accept_pause_.async_wait([this, alive](const boost::system::error_code& e) {
        if (!e && *alive) accept();
      });
      return;
    }
    auto session = std::make_shared<FrontSession>(std::move(socket), *this);
    sessions_.emplace(session.get(), session);
    session->start();
    accept();
  });
}

void TierFront::sessionClosed(FrontSession& session) {
  const auto found = sessions_.find(&session);
  if (found == sessions_.end()) return;
  asio::post(io_, [keep = std::move(found->second)] {});  // it is still running its close()
  sessions_.erase(found);
}

void TierFront::forward(const std::shared_ptr<Exchange>& exchange) {
  exchange->key = next_request_++;
  connectNext(exchange);
}

namespace {

void answer(TierFront::Exchange& exchange, http::status status, std::string_view why) {
  if (auto reply = std::exchange(exchange.reply, nullptr)) {
    reply(proxyAnswer(status, why, exchange.version, /*keep_alive=*/true));
  }
}

}  // namespace

// World::connectToTier: the route names the instance of this connection attempt; the trip there
// is waited (or lost), and the trip back of whatever comes back.
void TierFront::connectNext(const std::shared_ptr<Exchange>& exchange) {
  const auto route = router_.route(client_, exchange->key, exchange->attempt, clock_.now());
  if (route.dns_failure) {
    return answer(*exchange, http::status::service_unavailable, "dns failure");
  }
  if (!route.instance || *route.instance >= pools_.size()) {
    return answer(*exchange, http::status::service_unavailable, "upstream connect failure");
  }
  const std::uint32_t instance = *route.instance;
  TryEffect effect;
  if (const auto out = paths_->trip(instance, exchange->zone, /*back=*/false)) {
    effect.delay = options_.scale.toReal(*out);
  } else {
    effect.lost = true;
  }
  effect.trip_back = PendingTrip{
      .paths = paths_.get(), .backend = instance, .zone = exchange->zone, .scale = options_.scale};
  exchange->upstream = std::make_shared<UpstreamTry>(
      io_, *pools_[instance], exchange->request, limits_, options_.scale.toReal(options_.timeout),
      [this, alive = alive_, exchange](TryResult result) {
        if (*alive) onTried(exchange, std::move(result));
      },
      effect);
  exchange->upstream->start();
}

// The instance's answer goes back as it came; a refused connection tries the next address.
void TierFront::onTried(const std::shared_ptr<Exchange>& exchange, TryResult result) {
  exchange->upstream.reset();
  if (!exchange->reply) return;
  if (result.response) {
    auto reply = std::exchange(exchange->reply, nullptr);
    return reply(std::move(*result.response));
  }
  switch (result.outcome) {
    case balancer::Outcome::kConnectFailure:
      ++exchange->attempt;
      return connectNext(exchange);
    case balancer::Outcome::kReset:
      return answer(*exchange, http::status::service_unavailable, "upstream reset before response");
    case balancer::Outcome::kTimeout:  // the client has given up and gone: a formality
      return answer(*exchange, http::status::gateway_timeout, "upstream timeout");
    default:
      return answer(*exchange, http::status::bad_gateway, "bad upstream response");
  }
}

}  // namespace faultline::live
