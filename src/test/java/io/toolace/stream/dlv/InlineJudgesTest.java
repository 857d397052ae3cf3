package io.toolace.stream.dlv;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.StageFixtures;
import io.toolace.stream.dialog.ComplexityProxy;
import io.toolace.stream.dialog.ProceduralDialogs;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.kafka.Topics;
import io.toolace.stream.llm.InlineLlm;
import io.toolace.stream.llm.PriceTable;
import io.toolace.stream.llm.procedural.ProceduralBackend;
import io.toolace.stream.llm.procedural.ProceduralSettings;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.Sample;
import io.toolace.stream.verify.RuleConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Judges asked inline decide every sample as the model layer does through the gateway: the same verified and
 * rejected samples, verdicts and lineage included, and no request written.
 */
class InlineJudgesTest {

    private static final double FAULT_RATE = 0.3;
    private static final long SEED = 11L;
    private static List<Sample> candidates;
    private static ProceduralBackend backend;

    @TempDir
    Path dir;

    @BeforeAll
    static void samples() {
        candidates = ProceduralDialogs.samples(150, FAULT_RATE, SEED);
        backend = new ProceduralBackend(new ProceduralSettings(FAULT_RATE, SEED, ProceduralSettings.PIPELINE_MIXED_SHARE));
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    /** What the stage decided, by key, and the requests it wrote. */
    private record Decided(Map<String, Sample> verified, Map<String, Sample> rejected,
            Map<String, DialogOutcome> outcomes, long requests) {}

    @ParameterizedTest(name = "judge votes {0}, complexity model {1}")
    @CsvSource({"1, false", "3, true"})
    void judgesAskedInlineDecideAsTheModelLayerDoes(final int judgeVotes, final boolean complexityModel) {
        final PipelineConfig config = PipelineConfig.builder(dir).judgeVotes(judgeVotes)
                .complexityModel(complexityModel).build();
        final Decided gateway = decide(config, null, "inline-judges-gateway");
        final Decided inline = decide(config, new InlineLlm(backend, PriceTable.NONE), "inline-judges-inline");

        assertThat(gateway.verified()).hasSizeGreaterThan(candidates.size() / 2);
        assertThat(gateway.rejected()).as("the faults make some samples fail a rule or a judge").isNotEmpty();
        assertThat(gateway.verified().size() + gateway.rejected().size()).isEqualTo(candidates.size());
        assertThat(inline.verified()).isEqualTo(gateway.verified());
        assertThat(inline.rejected()).isEqualTo(gateway.rejected());
        assertThat(inline.outcomes()).isEqualTo(gateway.outcomes());
        assertThat(gateway.requests()).isGreaterThan(candidates.size());
        assertThat(inline.requests()).isZero();
    }

    private Decided decide(final PipelineConfig config, final InlineLlm inline, final String applicationId) {
        try (StageFixtures fixtures = new StageFixtures(dir.resolve(applicationId));
                TopologyTestDriver driver = new TopologyTestDriver(new VerificationStage(fixtures.topics, config,
                        new VerifierRuleLayer(RuleConfig.DEFAULTS), new ComplexityProxy(), inline).buildTopology(),
                        fixtures.driverProperties(applicationId))) {
            final Topics topics = fixtures.topics;
            final TestInputTopic<String, Sample> in = StageFixtures.input(driver, topics.sampleCandidates);
            final TestInputTopic<String, LlmReply> replies = StageFixtures.input(driver, topics.verifyReplies);
            final TestOutputTopic<String, LlmRequest> requests = StageFixtures.output(driver, topics.llmRequests);
            long asks = 0;
            for (final Sample sample : candidates) {
                in.pipeInput(sample.getId(), sample);
                for (List<LlmRequest> asked = requests.readValuesToList(); !asked.isEmpty();
                        asked = requests.readValuesToList()) {
                    asks += asked.size();
                    asked.forEach(request -> replies.pipeInput(request.getCorrelationId(), backend.answer(request).join()));
                }
            }
            return new Decided(StageFixtures.output(driver, topics.verified).readKeyValuesToMap(),
                    StageFixtures.output(driver, topics.rejected).readKeyValuesToMap(),
                    StageFixtures.output(driver, topics.outcomes).readKeyValuesToMap(), asks);
        }
    }
}
