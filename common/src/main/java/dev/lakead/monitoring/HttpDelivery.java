package dev.lakead.monitoring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs a JSON body with retries: connection errors, timeouts, HTTP 408, 429 and 5xx are retried with exponential
 * backoff (at least Retry-After when the server sends one, at most max-backoff); other 4xx answers fail at once.
 * Nothing it logs or returns contains the URL or a secret (every message goes through the {@link Redactor}).
 */
public final class HttpDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);

    /** Waits between attempts; tests may replace it. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** Outcome of one delivery: accepted or not, after how many attempts, and why not (no secrets). */
    public record Result(boolean ok, int attempts, int status, String error) {
    }

    private final HttpClient client;
    private final DeliveryPolicy policy;
    private final Redactor redactor;
    private final Sleeper sleeper;

    public HttpDelivery(DeliveryPolicy policy, Redactor redactor, Sleeper sleeper) {
        this.policy = policy;
        this.redactor = redactor;
        this.sleeper = sleeper;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(policy.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public DeliveryPolicy policy() {
        return policy;
    }

    /**
     * @param sink    the sink's name, for messages
     * @param what    the alert id, for messages
     * @param success whether a 2xx answer with this body means accepted (e.g. Slack answers "ok")
     */
    public Result post(String sink, String what, URI uri, Map<String, String> headers, byte[] body,
                       java.util.function.BiPredicate<Integer, String> success) {
        String error = null;
        int status = 0;
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            Duration retryAfter = Duration.ZERO;
            boolean retryable;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(policy.requestTimeout())
                        .header("Content-Type", "application/json; charset=utf-8")
                        .header("User-Agent", "lakead-monitor")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                headers.forEach(b::header);
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                status = r.statusCode();
                String answer = r.body() == null ? "" : r.body();
                if (status / 100 == 2 && success.test(status, answer)) {
                    if (attempt > 1) {
                        LOG.info("Sink {}: alert {} delivered on attempt {}", sink, what, attempt);
                    }
                    return new Result(true, attempt, status, null);
                }
                error = "HTTP " + status + (answer.isBlank() ? "" : ": " + abbreviate(answer));
                retryable = status == 408 || status == 429 || status >= 500;
                retryAfter = r.headers().firstValue("Retry-After").map(HttpDelivery::seconds).orElse(Duration.ZERO);
            } catch (HttpTimeoutException e) {
                error = "timeout (" + e.getClass().getSimpleName() + ")";
                retryable = true;
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                retryable = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, attempt, status, "interrupted");
            } catch (IllegalArgumentException e) { // bad header value or URI
                error = "invalid request: " + e.getMessage();
                retryable = false;
            }
            error = redactor.scrub(error);
            if (!retryable || attempt == policy.maxAttempts()) {
                LOG.warn("Sink {}: alert {} not delivered after {} attempt(s): {}", sink, what, attempt, error);
                return new Result(false, attempt, status, error);
            }
            Duration wait = policy.backoff(attempt);
            if (retryAfter.compareTo(wait) > 0) {
                wait = retryAfter.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : retryAfter;
            }
            LOG.warn("Sink {}: alert {} attempt {}/{} failed ({}), retrying in {} ms", sink, what, attempt,
                    policy.maxAttempts(), error, wait.toMillis());
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, attempt, status, "interrupted");
            }
        }
        return new Result(false, policy.maxAttempts(), status, error);
    }

    private static Duration seconds(String v) {
        try {
            return Duration.ofSeconds(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return Duration.ZERO; // an HTTP date: use our own backoff
        }
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }
}
