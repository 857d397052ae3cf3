package io.toolace.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.DialogType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

    /**
     * A registry of this test's own: the global one reads its values from whichever registry was added first in
     * this JVM, which other tests' pipelines fill.
     */
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void theMixLineShowsEachTypesVerifiedShareBesideItsConfiguredShareAndTheMeanComplexity() {
        final PipelineConfig config = PipelineConfig.builder(Path.of("unused"))
                .dialogMix(Map.of(DialogType.SINGLE, 3.0, DialogType.CLARIFY, 1.0)).build();
        registry.summary("toolace.planner.complexity").record(0.4);
        registry.summary("toolace.planner.complexity").record(0.6);

        final String line = RunCommand.mixLine(registry, config, new TreeMap<>(Map.of("SINGLE", 70.0, "CLARIFY", 30.0)));

        assertThat(line).isEqualTo("  verified mix (configured): SINGLE 70.0% (75.0%) CLARIFY 30.0% (25.0%);"
                + " mean complexity 0.50");
    }

    @Test
    void theCostSummaryShowsCallsTheCachedShareTokensAndUsdPerTaskAndModel() {
        registry.counter("toolace.llm.calls", "stage", "dialog", "task", "USER_TURN", "model", "m", "cached", "false",
                "outcome", "ok").increment(3);
        registry.counter("toolace.llm.calls", "stage", "dialog", "task", "USER_TURN", "model", "m", "cached", "true",
                "outcome", "ok").increment(1);
        registry.counter("toolace.llm.cache", "result", "hit").increment(1);
        registry.counter("toolace.llm.cache", "result", "miss").increment(3);
        registry.counter("toolace.llm.tokens", "stage", "dialog", "task", "USER_TURN", "model", "m", "kind", "prompt")
                .increment(3000);
        registry.counter("toolace.llm.tokens", "stage", "dialog", "task", "USER_TURN", "model", "m", "kind",
                "completion").increment(600);
        registry.counter("toolace.llm.cost", "stage", "dialog", "task", "USER_TURN", "model", "m").increment(0.012);
        registry.counter("toolace.llm.cost", "stage", "dialog", "task", "TOOL_RESPONSE", "model", "procedural-v1");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        RunCommand.printCost(new PrintStream(out, true, StandardCharsets.UTF_8), registry);

        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "llm: 4 calls (25.0% from the cache, hit rate 25.0%), 3000 tokens in, 600 out, 0.0120 USD",
                "  USER_TURN            m     0.0120 USD");
    }
}
