package io.toolace.stream.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.StageRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of one process, for Prometheus and Kubernetes: {@code /metrics} (every meter of the
 * global registry, the JVM's and each stage's Kafka Streams client metrics tagged {@code stage}, in
 * Prometheus' text format), {@code /health} and {@code /health/ready} (200 when {@link Health#ready}, else
 * 503) and {@code /health/live} (200 while {@link Health#live}); each health answer is the JSON of
 * {@link Health}. It starts before the pipeline, so a liveness probe is answered while stages restore.
 */
public final class OpsServer implements AutoCloseable {

    /** The port of {@code run}, the image and the chart: Prometheus' exporter default. */
    public static final int DEFAULT_PORT = 9464;

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final List<KafkaStreamsMetrics> streamsMetrics = new ArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile Supplier<Health> health = Health::beforeStart;

    private OpsServer(final int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot listen on HTTP port " + port + " (" + e.getMessage()
                    + "): give another, 0 for any free one, or -1 for none", e);
        }
        registry.config().onMeterRegistrationFailed((id, reason) ->
                LOG.warn("meter {} is not in /metrics: {}", id.getName(), reason));
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        GlobalMeters.ensureBacked();
        Metrics.addRegistry(registry);
        server.createContext("/metrics", exchange -> answer(exchange, "/metrics", 200, TEXT_FORMAT,
                registry.scrape().getBytes(StandardCharsets.UTF_8)));
        server.createContext("/health", exchange -> answerHealth(exchange, "/health", Health::ready));
        server.createContext("/health/ready", exchange -> answerHealth(exchange, "/health/ready", Health::ready));
        server.createContext("/health/live", exchange -> answerHealth(exchange, "/health/live", Health::live));
        executor = Executors.newSingleThreadExecutor(task -> {
            final Thread thread = new Thread(task, "ops-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
    }

    /** Listens on {@code port} of every interface (0: any free port) and answers at once, as starting. */
    public static OpsServer start(final int port) {
        final OpsServer ops = new OpsServer(port);
        ops.server.start();
        LOG.info("metrics and health on http port {} (/metrics, /health, /health/live, /health/ready)", ops.port());
        return ops;
    }

    /** From now on answers for {@code pipeline}'s stages and gateway, and exports each stage's client metrics. */
    public void watch(final Pipeline pipeline) {
        for (final StageRunner runner : pipeline.runners().values()) {
            final KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(runner.streams(), Tags.of("stage", runner.name()));
            metrics.bindTo(registry);
            streamsMetrics.add(metrics);
        }
        health = () -> Health.of(pipeline);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void answerHealth(final HttpExchange exchange, final String path, final Predicate<Health> up)
            throws IOException {
        final Health now = health.get();
        answer(exchange, path, up.test(now) ? 200 : 503, "application/json",
                now.toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code body} on {@code path} itself; a longer path under it is not found. */
    private static void answer(final HttpExchange exchange, final String path, final int status,
            final String contentType, final byte[] body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType);
            final boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        streamsMetrics.forEach(KafkaStreamsMetrics::close);
        gc.close();
        Metrics.removeRegistry(registry);
        registry.close();
    }
}
