#include "engine/live/forwarding.h"

#include <algorithm>

namespace faultline::live {

using balancer::Outcome;

Forwarding::Forwarding(ForwardingContext& context, HttpRequest request,
                       std::string_view client_address, std::optional<std::uint64_t> hash_key,
                       Reply reply)
    : context_(context),
      client_version_(request.version()),
      client_keep_alive_(request.keep_alive()),
      head_request_(request.method() == http::verb::head),
      reply_(std::move(reply)),
      retry_timer_(context.io),
      hedge_timer_(context.io),
      request_timer_(context.io) {
  prepareUpstreamRequest(request, client_address);
  upstream_request_ = std::make_shared<HttpRequest>(std::move(request));
  core_request_.id = ++context_.next_request_id;
  core_request_.hash_key = hash_key;
  core_request_.zone = zoneFromHeader(*upstream_request_, context_.zone_header, context_.zone);
}

// The trip to the backend before the try is sent (or its loss), and the trip back to take when
// the answer leaves.
void Forwarding::addNetwork(TryEffect& effect, std::size_t backend) const {
  if (context_.network == nullptr) return;
  const std::uint32_t zone = core_request_.zone;
  if (const auto out = context_.network->trip(backend, zone, /*back=*/false)) {
    effect.delay += context_.scale.toReal(*out);
  } else {
    effect.lost = true;
  }
  effect.trip_back = PendingTrip{.paths = context_.network,
                                 .backend = backend,
                                 .zone = zone,
                                 .back = true,
                                 .scale = context_.scale};
}

void Forwarding::start() {
  started_at_ = context_.runtime.now();
  ++context_.counters.requests;
  if (context_.limits.request_timeout > balancer::Duration::zero()) {
    request_timer_.expires_after(context_.limits.request_timeout);
    request_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
      if (!e) self->onRequestTimeout();
    });
  }
  if (sendTry(TryKind::kFirst)) scheduleHedge();
}

void Forwarding::abandon() {
  reply_ = nullptr;
  finish(Outcome::kCancelled, std::nullopt, /*replied=*/false);
}

// Asks the balancer for a host and sends a try there; a refusal answers the request when no
// other try of it is still out. Whether a try went out.
bool Forwarding::sendTry(TryKind kind) {
  auto& balancer = context_.balancer;
  core_request_.attempt = static_cast<std::uint32_t>(next_try_id_);
  const balancer::Decision decision = balancer.choose(core_request_);
  if (!decision.hasHost()) {
    if (kind != TryKind::kFirst) balancer.onRetryFinished();  // retries and hedges
    if (live_.empty() && !retry_pending_) {
      if (last_response_) {  // a retry refused: the client hears what the last try got
        const Outcome last = outcomeOfStatus(last_response_->result_int());
        finish(last, std::move(last_response_), /*replied=*/true);
      } else {
        finishRefused(decision.refusal());
      }
    }
    return false;
  }
  admitted_ = true;
  const balancer::HostIndex host = decision.host();
  core_request_.tried_hosts.add(host);
  core_request_.tried_levels |= balancer.hosts().levelBit(host);
  ++context_.counters.tries;
  if (kind == TryKind::kRetry) ++context_.counters.retries;
  if (kind == TryKind::kHedge) ++context_.counters.hedges;

  LiveTry attempt;
  attempt.host = host;
  attempt.sent_at = context_.runtime.now();
  attempt.retry = kind != TryKind::kFirst;  // a hedge holds a retry slot too
  attempt.id = ++next_try_id_;
  const balancer::HostDescriptor& target = balancer.hosts().host(host);
  UpstreamPool& pool = *context_.pools[target.address];
  TryEffect effect = context_.faults.empty() ? TryEffect{} : context_.faults.draw(target.name);
  addNetwork(effect, target.address);
  attempt.upstream = std::make_shared<UpstreamTry>(
      context_.io, pool, upstream_request_, context_.limits,
      context_.scale.toReal(balancer.retryPolicy().config().per_try_timeout),
      [self = shared_from_this(), id = attempt.id](TryResult result) {
        self->onTryEnded(id, std::move(result));
      },
      effect);
  live_.push_back(attempt);
  attempt.upstream->start();
  return true;
}

void Forwarding::onTryEnded(std::uint64_t try_id, TryResult result) {
  const auto it = std::find_if(live_.begin(), live_.end(),
                               [try_id](const LiveTry& t) { return t.id == try_id; });
  if (it == live_.end()) return;  // abandoned already
  const LiveTry attempt = *it;
  live_.erase(it);
  auto& balancer = context_.balancer;
  balancer.onResult(attempt.host, result.outcome, context_.runtime.now() - attempt.sent_at);
  if (attempt.retry) balancer.onRetryFinished();
  if (finished_) return;
  if (result.outcome == Outcome::kSuccess || result.outcome == Outcome::kClientError) {
    return finish(result.outcome, std::move(result.response), /*replied=*/true);
  }
  afterFailedTry(result.outcome, std::move(result.response));
}

// A failed try is retried after a backoff when the policy allows; otherwise the request fails
// with it once no other try of it is still out.
void Forwarding::afterFailedTry(Outcome outcome, std::optional<HttpResponse> response) {
  if (response) last_response_ = std::move(response);
  auto& balancer = context_.balancer;
  if (!retry_pending_) {
    if (const auto backoff = balancer.retryBackoff(retries_ + hedges_, outcome)) {
      ++retries_;
      retry_pending_ = true;
      retry_timer_.expires_after(context_.scale.toReal(*backoff));
      retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
        if (e || self->finished_) return;
        self->retry_pending_ = false;
        self->context_.balancer.onRetryBackoffEnded();
        self->sendTry(TryKind::kRetry);
      });
      return;
    }
  }
  if (live_.empty() && !retry_pending_) finish(outcome, std::move(last_response_), true);
}

// A hedge is a retry (Envoy's hedged retry): it needs a retry left and a retry slot, none goes
// out while a retry waits in its backoff, and the first hedge refused ends hedging.
void Forwarding::scheduleHedge() {
  auto& balancer = context_.balancer;
  if (!balancer.hedges() || finished_) return;
  const auto delay = balancer.hedgeDelay(hedges_);
  if (!delay) return;
  hedge_timer_.expires_after(context_.scale.toReal(*delay));
  hedge_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
    if (e || self->finished_) return;
    if (self->retry_pending_) return self->scheduleHedge();
    if (!self->context_.balancer.admitHedge(self->retries_ + self->hedges_)) return;
    ++self->hedges_;
    if (self->sendTry(TryKind::kHedge)) self->scheduleHedge();
  });
}

void Forwarding::onRequestTimeout() {
  finish(Outcome::kTimeout, std::nullopt, /*replied=*/true);
}

void Forwarding::finishRefused(balancer::Refusal refusal) {
  ++context_.counters.refused;
  const bool limited = refusal == balancer::Refusal::kRateLimited;
  HttpResponse answer =
      proxyAnswer(limited ? http::status::too_many_requests : http::status::service_unavailable,
                  balancer::toString(refusal), client_version_, client_keep_alive_);
  finish(Outcome::kOverloaded, std::move(answer), /*replied=*/true);
}

// Ends the request once: the tries still out are abandoned (the balancer stops counting them; a
// success cancels them, anything else times them out, as in the simulator), a retry waiting in
// its backoff gives its slot back, and the client gets its answer.
void Forwarding::finish(Outcome outcome, std::optional<HttpResponse> response, bool replied) {
  if (finished_) return;
  finished_ = true;
  retry_timer_.cancel();
  hedge_timer_.cancel();
  request_timer_.cancel();
  auto& balancer = context_.balancer;
  const bool quiet = outcome == Outcome::kSuccess || outcome == Outcome::kCancelled ||
                     outcome == Outcome::kClientError;
  const Outcome abandoned = quiet ? Outcome::kCancelled : Outcome::kTimeout;
  const auto now = context_.runtime.now();
  for (LiveTry& attempt : live_) {
    attempt.upstream->cancel();
    balancer.onResult(attempt.host, abandoned, now - attempt.sent_at);
    if (attempt.retry) balancer.onRetryFinished();
  }
  live_.clear();
  if (retry_pending_) {
    retry_pending_ = false;
    balancer.onRetryBackoffEnded();
    balancer.onRetryFinished();
  }
  if (admitted_ && balancer.watchesRequests()) {
    balancer.onRequestFinished(outcome, now - started_at_, replied);
  }
  if (!replied || !reply_) return;
  respond(response ? std::move(*response) : failureResponse(outcome));
}

// Envoy answers 503 when it could not connect or the connection broke before a response, 504 on
// a timeout; a response it could not read is a bad gateway.
HttpResponse Forwarding::failureResponse(Outcome outcome) const {
  switch (outcome) {
    case Outcome::kTimeout:
      return proxyAnswer(http::status::gateway_timeout, "upstream timeout", client_version_,
                         client_keep_alive_);
    case Outcome::kConnectFailure:
      return proxyAnswer(http::status::service_unavailable, "upstream connect failure",
                         client_version_, client_keep_alive_);
    case Outcome::kReset:
      return proxyAnswer(http::status::service_unavailable, "upstream reset before response",
                         client_version_, client_keep_alive_);
    default:
      return proxyAnswer(http::status::bad_gateway, "bad upstream response", client_version_,
                         client_keep_alive_);
  }
}

void Forwarding::respond(HttpResponse response) {
  response.version(client_version_);
  prepareDownstreamResponse(response, client_keep_alive_, head_request_);
  const unsigned status = response.result_int();
  if (status >= 500) {
    ++context_.counters.responses_5xx;
  } else if (status >= 400) {
    ++context_.counters.responses_4xx;
  } else {
    ++context_.counters.responses_2xx;
  }
  if (auto reply = std::exchange(reply_, nullptr)) reply(std::move(response));
}

}  // namespace faultline::live
