package dev.lakead.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** A JDK HttpServer on loopback that records every request and answers as told (by request number, from 0). */
final class RecordingServer implements AutoCloseable {

    record Request(String method, String path, Map<String, String> headers, String body) {
        JsonNode json() {
            try {
                return com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /** An answer: status, body, an optional Retry-After, and a delay before answering. */
    record Answer(int status, String body, String retryAfter, long delayMs) {
        static Answer of(int status, String body) {
            return new Answer(status, body, null, 0);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile IntFunction<Answer> answers;

    RecordingServer(IntFunction<Answer> answers) throws IOException {
        this.answers = answers;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            int n = count.getAndIncrement();
            Answer a = this.answers.apply(n);
            synchronized (requests) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers,
                        body));
            }
            if (a.delayMs() > 0) {
                try {
                    Thread.sleep(a.delayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            if (a.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
            }
            try {
                exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(out);
                    }
                }
            } catch (IOException e) {
                // the client gave up (timeout test)
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    static RecordingServer ok(int status, String body) throws IOException {
        return new RecordingServer(n -> Answer.of(status, body));
    }

    void answer(IntFunction<Answer> answers) {
        this.answers = answers;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
