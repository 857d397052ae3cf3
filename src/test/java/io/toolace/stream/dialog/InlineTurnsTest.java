package io.toolace.stream.dialog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.toolace.stream.CountingMeters;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.llm.ForwardingBackend;
import io.toolace.stream.llm.InlineLlm;
import io.toolace.stream.llm.PriceTable;
import io.toolace.stream.llm.procedural.ProceduralBackend;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Sample;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The turn loop run inline ends every draft as the loop through the gateway does: the same candidates, the same
 * rejections and outcomes, from the same number of calls, and nothing written in between.
 */
class InlineTurnsTest {

    private static final int DRAFTS = 120;
    private static ProceduralDialogs dialogs;

    @TempDir
    Path dir;

    @BeforeAll
    static void pool() {
        CountingMeters.ensure();
        // A high fault rate, so that agents' errors and bad answers end some drafts in the turn stage too.
        dialogs = new ProceduralDialogs(0.3, 7L, 200);
    }

    /** What the stage wrote for all drafts: candidates, rejections and outcomes by key, and the calls asked. */
    private record Ends(Map<String, Sample> candidates, Map<String, Sample> rejected, Map<String, DialogOutcome> outcomes,
            long calls) {}

    @ParameterizedTest(name = "assistant votes {0}")
    @ValueSource(ints = {1, 3})
    void aDraftRunInlineEndsAsItDoesThroughTheGateway(final int assistantVotes) {
        final PipelineConfig config = PipelineConfig.builder(dir).assistantVotes(assistantVotes).build();
        final Ends gateway = throughTheGateway(config);
        final Ends inline = inline(config);

        assertThat(gateway.candidates()).hasSizeGreaterThan(DRAFTS / 2);
        assertThat(inline.candidates()).isEqualTo(gateway.candidates());
        assertThat(inline.rejected()).isEqualTo(gateway.rejected());
        assertThat(inline.outcomes()).isEqualTo(gateway.outcomes());
        assertThat(gateway.candidates().size() + gateway.rejected().size()).isEqualTo(DRAFTS);
        assertThat(inline.calls()).isEqualTo(gateway.calls());
    }

    @Test
    void onlyABackendThatAnswersInlineIsAskedInline() {
        final ProceduralBackend procedural = dialogs.backend();
        final ForwardingBackend wrapped = new ForwardingBackend(procedural) {};
        assertThat(procedural.answersInline()).isTrue();
        assertThatThrownBy(() -> new InlineLlm(wrapped, PriceTable.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot answer inline");
    }

    private Ends throughTheGateway(final PipelineConfig config) {
        long calls = 0;
        try (TurnStageDriver stage = new TurnStageDriver(dir.resolve("gateway"), config, "inline-turns-gateway")) {
            for (int seq = 0; seq < DRAFTS; seq++) {
                final DialogDraft planned = dialogs.plan(seq);
                stage.drafts.pipeInput(planned.getId(), planned);
                // The driver feeds the drafts the stage writes back to it, as dialog.drafts is its source too.
                for (List<LlmRequest> asked = stage.requests.readValuesToList(); !asked.isEmpty();
                        asked = stage.requests.readValuesToList()) {
                    calls += asked.size();
                    asked.forEach(request -> stage.replies.pipeInput(request.getCorrelationId(),
                            dialogs.backend().answer(request).join()));
                }
            }
            return ends(stage, calls);
        }
    }

    private Ends inline(final PipelineConfig config) {
        final double before = dialogCalls();
        try (TurnStageDriver stage = new TurnStageDriver(dir.resolve("inline"), config, "inline-turns-inline",
                new InlineLlm(dialogs.backend(), PriceTable.NONE))) {
            for (int seq = 0; seq < DRAFTS; seq++) {
                final DialogDraft planned = dialogs.plan(seq);
                stage.drafts.pipeInput(planned.getId(), planned);
            }
            assertThat(stage.requests.isEmpty()).as("no request leaves an inline loop").isTrue();
            assertThat(stage.nextDrafts.isEmpty()).as("no draft goes round the loop").isTrue();
            return ends(stage, Math.round(dialogCalls() - before));
        }
    }

    private static Ends ends(final TurnStageDriver stage, final long calls) {
        return new Ends(new LinkedHashMap<>(stage.candidates.readKeyValuesToMap()),
                new LinkedHashMap<>(stage.rejected.readKeyValuesToMap()),
                new LinkedHashMap<>(stage.outcomes.readKeyValuesToMap()), calls);
    }

    private static double dialogCalls() {
        return Metrics.globalRegistry.find("toolace.llm.calls").tag("stage", TurnStage.STAGE).counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
