package io.toolace.stream.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.toolace.stream.Pipeline;
import io.toolace.stream.kafka.StageRunner;
import io.toolace.stream.llm.LlmGateway;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams.State;

/**
 * What a process's stages are doing, as the probes read it. Ready: every stage RUNNING or REBALANCING
 * (a rebalance is routine, not a fault) and the gateway alive. Live: nothing has failed or stopped for
 * good, so a stage still restoring its state at start-up is not restarted by its liveness probe.
 *
 * @param stages each stage's Kafka Streams state
 * @param gateway the gateway's state ({@code RUNNING}, {@code FAILED}), or null where this process runs none
 * @param starting true until the pipeline has started
 */
public record Health(Map<String, State> stages, String gateway, boolean starting) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<State> READY = Set.of(State.RUNNING, State.REBALANCING);
    private static final Set<State> DEAD = Set.of(State.PENDING_ERROR, State.ERROR, State.PENDING_SHUTDOWN,
            State.NOT_RUNNING);
    private static final String FAILED = "FAILED";

    /** Before the pipeline runs: alive, not ready. */
    public static Health beforeStart() {
        return new Health(Map.of(), null, true);
    }

    public static Health of(final Pipeline pipeline) {
        final Map<String, State> stages = new LinkedHashMap<>();
        for (final StageRunner runner : pipeline.runners().values()) {
            stages.put(runner.name(), runner.streams().state());
        }
        final LlmGateway gateway = pipeline.gateway();
        return new Health(stages, gateway == null ? null : gateway.healthy() ? "RUNNING" : FAILED, false);
    }

    public boolean ready() {
        return !starting && READY.containsAll(stages.values()) && !FAILED.equals(gateway);
    }

    public boolean live() {
        return stages.values().stream().noneMatch(DEAD::contains) && !FAILED.equals(gateway);
    }

    /** {@code {"status": "UP"|"DOWN"|"STARTING", "stages": {...}, "gateway": ...}}; UP when {@link #ready}. */
    public String toJson() {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready() ? "UP" : starting ? "STARTING" : "DOWN");
        body.put("stages", stages);
        if (gateway != null) {
            body.put("gateway", gateway);
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (final JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
