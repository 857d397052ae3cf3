package io.toolace.stream.dlv;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolace.stream.StageFixtures;
import io.toolace.stream.dialog.ComplexityProxy;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.llm.procedural.ProceduralBackend;
import io.toolace.stream.llm.procedural.ProceduralSettings;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ComplexityResult;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.Layer;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Turn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerificationStageTest {

    /** A stand-in rule layer: a sample whose user text says "break" breaks a rule. */
    private static final RuleLayer RULES = sample -> sample.getTurns().get(0).getText().contains("break")
            ? List.of(Samples.failure("CALL_TYPE_MISMATCH", Layer.RULE, 1, "expected integer"))
            : List.of();

    @TempDir
    Path dir;

    private StageFixtures fixtures;
    private TopologyTestDriver driver;
    private TestInputTopic<String, Sample> candidates;
    private TestInputTopic<String, LlmReply> replies;
    private TestOutputTopic<String, LlmRequest> requests;
    private TestOutputTopic<String, Sample> verified;
    private TestOutputTopic<String, Sample> rejected;
    private TestOutputTopic<String, DialogOutcome> outcomes;
    /** The global registry keeps no values until a registry is added to it. */
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @BeforeEach
    void start() {
        Metrics.addRegistry(metrics);
        fixtures = new StageFixtures(dir);
        open(PipelineConfig.builder(dir).build(), "verification-stage-test");
    }

    private void open(final PipelineConfig config, final String applicationId) {
        final var topics = fixtures.topics;
        driver = new TopologyTestDriver(new VerificationStage(topics, config, RULES).buildTopology(),
                fixtures.driverProperties(applicationId));
        candidates = StageFixtures.input(driver, topics.sampleCandidates);
        replies = StageFixtures.input(driver, topics.verifyReplies);
        requests = StageFixtures.output(driver, topics.llmRequests);
        verified = StageFixtures.output(driver, topics.verified);
        rejected = StageFixtures.output(driver, topics.rejected);
        outcomes = StageFixtures.output(driver, topics.outcomes);
    }

    @AfterEach
    void stop() {
        driver.close();
        fixtures.close();
        Metrics.removeRegistry(metrics);
        metrics.close();
    }

    private static Sample sample(final String dialogId, final String userText) {
        final List<Turn> turns = List.of(Turn.newBuilder().setRole(Role.USER).setText(userText).build(),
                Turn.newBuilder().setRole(Role.ASSISTANT).setText("Sure.").build());
        return Samples.fromDraft(DialogDraft.newBuilder(StageFixtures.draft(dialogId, 1))
                .setTurns(turns).build());
    }

    private static LlmReply verdict(final LlmRequest request, final boolean passed) {
        return StageFixtures.reply(request, JudgeResult.newBuilder()
                .setRule(ModelLayerProcessor.ruleOf(request.getTask())).setPassed(passed).setTurn(1)
                .setReason(passed ? "" : "value not grounded").build(), null);
    }

    @Test
    void aSampleBreakingARuleIsRejectedWithoutSpendingAJudgeCall() {
        candidates.pipeInput(sample("d1-1", "please break it"));

        assertThat(requests.isEmpty()).isTrue();
        assertThat(rejected.readValue().getVerdicts()).extracting(v -> v.getRule())
                .containsExactly("CALL_TYPE_MISMATCH");
        assertThat(outcomes.readValue().getStatus()).isEqualTo(OutcomeStatus.REJECTED);
    }

    @Test
    void aDecidedSampleAndItsOutcomeCarryTheMeasuredComplexityNotThePlannersTarget() {
        final Sample planned = Sample.newBuilder(sample("d1-5", "please break it")).setComplexity(0.5).build();
        final double measured = new ComplexityProxy().complexity(ToolSamples.toToolSample(planned));
        assertThat(measured).isNotEqualTo(0.5);

        candidates.pipeInput(planned.getId(), planned);

        assertThat(rejected.readValue().getComplexity()).isEqualTo(measured);
        assertThat(outcomes.readValue().getComplexity()).isEqualTo(measured);
    }

    @Test
    void aJudgeWhoseReplyIsAnErrorIsAskedAgainAndOnlyCountsFailedOnceItsRetriesRanOut() {
        // Given two clean samples put to every judge
        final Sample rescued = sample("d1-3", "weather in Porto");
        final Sample unjudged = sample("d1-4", "weather in Braga");
        candidates.pipeInput(rescued.getId(), rescued);
        candidates.pipeInput(unjudged.getId(), unjudged);
        final List<LlmRequest> asked = requests.readValuesToList();

        // When the hallucination judge's first answer about each is garbled, and every other judge passes them
        for (final LlmRequest request : asked) {
            replies.pipeInput(request.getCorrelationId(), request.getTask() == AgentTask.JUDGE_HALLUCINATION
                    ? StageFixtures.reply(request, null, "answer is not JSON") : verdict(request, true));
        }

        // Then that judge is asked again about each, at the next step, and nothing is decided yet
        List<LlmRequest> again = requests.readValuesToList();
        assertThat(again).hasSize(2).allSatisfy(request -> {
            assertThat(request.getTask()).isEqualTo(AgentTask.JUDGE_HALLUCINATION);
            assertThat(request.getStep()).isEqualTo(1);
        });
        assertThat(verified.isEmpty() && rejected.isEmpty()).isTrue();

        // and when it passes one, and keeps failing to answer about the other
        for (final LlmRequest request : again) {
            replies.pipeInput(request.getCorrelationId(), request.getCorrelationId().equals(rescued.getId())
                    ? verdict(request, true) : StageFixtures.reply(request, null, "answer is not JSON"));
        }
        again = requests.readValuesToList();
        assertThat(again).singleElement().satisfies(request -> assertThat(request.getStep()).isEqualTo(2));
        replies.pipeInput(unjudged.getId(), StageFixtures.reply(again.get(0), null, "answer is not JSON"));

        // then the first is verified, and the second rejected by a judge that gave no verdict after two retries
        assertThat(verified.readValuesToList()).extracting(Sample::getId).containsExactly(rescued.getId());
        assertThat(rejected.readValue().getVerdicts()).filteredOn(v -> !v.getPassed()).singleElement()
                .satisfies(v -> assertThat(v.getMessage()).startsWith("judge gave no verdict: answer is not JSON"));
        assertThat(requests.isEmpty()).isTrue();
    }

    @Test
    void aSampleIsVerifiedOnceEveryJudgePassedItAndDuplicateVerdictsAreIgnored() {
        // Given a clean sample, put to every judge
        final Sample clean = sample("d1-2", "weather in Lisbon");
        candidates.pipeInput(clean.getId(), clean);
        final List<LlmRequest> asked = requests.readValuesToList();
        assertThat(asked).extracting(LlmRequest::getTask).containsExactlyInAnyOrder(AgentTask.JUDGE_HALLUCINATION,
                AgentTask.JUDGE_CONSISTENCY, AgentTask.JUDGE_TOOL_RESPONSE, AgentTask.JUDGE_REPETITIVE);

        // When every judge passes it, one of them twice
        replies.pipeInput(clean.getId(), verdict(asked.get(0), true));
        replies.pipeInput(clean.getId(), verdict(asked.get(0), true));
        assertThat(verified.isEmpty()).isTrue();
        for (final LlmRequest request : asked.subList(1, asked.size())) {
            replies.pipeInput(clean.getId(), verdict(request, true));
        }

        // Then it is verified once, with one model verdict per judge and lineage in headers
        final TestRecord<String, Sample> record = verified.readRecord();
        assertThat(verified.isEmpty()).isTrue();
        assertThat(record.key()).isEqualTo(clean.getId());
        assertThat(record.value().getVerdicts()).hasSize(4).allMatch(v -> v.getLayer() == Layer.MODEL);
        assertThat(new String(record.headers().lastHeader("toolace.verdicts").value(), StandardCharsets.UTF_8))
                .contains("MODEL_HALLUCINATION=pass");
        assertThat(outcomes.readValue().getStatus()).isEqualTo(OutcomeStatus.VERIFIED);

        // and the same content again is a duplicate
        candidates.pipeInput(clean.getId(), Sample.newBuilder(clean).setDialogId("d1-3").build());
        assertThat(rejected.readValue().getVerdicts().get(0).getRule()).isEqualTo("SAMPLE_DUPLICATE");
    }

    @Test
    void aRepeatIsADuplicateWithinTheDedupHorizonAndVerifiedAgainOnceStreamTimeHasPassedIt() {
        // Given a stage without judges that remembers verified content for an hour
        driver.close();
        open(PipelineConfig.builder(dir).judges(List.of()).dedupHorizon(Duration.ofHours(1)).build(),
                "verification-stage-horizon-test");
        final Instant start = Instant.parse("2026-11-25T00:00:00Z");
        final Sample clean = sample("d1-2", "weather in Lisbon");
        candidates.pipeInput(clean.getId(), clean, start);
        assertThat(verified.readValue().getId()).isEqualTo(clean.getId());

        // When the same content comes again half an hour later, and again once three hours have passed
        candidates.pipeInput(clean.getId(), Sample.newBuilder(clean).setDialogId("d1-3").build(),
                start.plus(Duration.ofMinutes(30)));
        final Sample other = sample("d2-2", "weather in Porto");
        candidates.pipeInput(other.getId(), other, start.plus(Duration.ofHours(3)));
        candidates.pipeInput(clean.getId(), Sample.newBuilder(clean).setDialogId("d1-4").build(),
                start.plus(Duration.ofHours(3)).plusSeconds(1));

        // Then the first repeat is a duplicate, and the late one is verified: the store forgot it
        assertThat(rejected.readValue().getVerdicts().get(0).getRule()).isEqualTo("SAMPLE_DUPLICATE");
        assertThat(verified.readValuesToList()).extracting(Sample::getDialogId).containsExactly("d2-2", "d1-4");
    }

    @Test
    void aJudgeAskedThreeTimesPassesTheSampleWhenTwoOfItsVotesDo() {
        driver.close();
        open(PipelineConfig.builder(dir).judges(List.of("JUDGE_HALLUCINATION")).judgeVotes(3).build(),
                "verification-votes-test");
        final Sample sample = sample("d1-5", "weather in Faro");
        candidates.pipeInput(sample.getId(), sample);
        final List<LlmRequest> asked = requests.readValuesToList();
        assertThat(asked).extracting(LlmRequest::getSampleIndex).containsExactly(0, 1, 2);

        replies.pipeInput(sample.getId(), verdict(asked.get(0), false));
        replies.pipeInput(sample.getId(), verdict(asked.get(1), true));
        replies.pipeInput(sample.getId(), verdict(asked.get(1), true));
        assertThat(verified.isEmpty()).isTrue();
        replies.pipeInput(sample.getId(), verdict(asked.get(2), true));

        final Sample out = verified.readValue();
        assertThat(out.getVerdicts()).singleElement().satisfies(v -> {
            assertThat(v.getPassed()).isTrue();
            assertThat(v.getMessage()).contains("2 of 3 votes passed");
            assertThat(v.getJudge()).isEqualTo("test/fixture");
        });
    }

    @Test
    void oneFailingJudgeRejectsTheSampleWithItsReason() {
        final Sample sample = sample("d1-4", "weather in Porto");
        candidates.pipeInput(sample.getId(), sample);
        final List<LlmRequest> asked = requests.readValuesToList();

        for (final LlmRequest request : asked) {
            replies.pipeInput(sample.getId(), verdict(request, request.getTask() != AgentTask.JUDGE_HALLUCINATION));
        }

        assertThat(verified.isEmpty()).isTrue();
        final Sample out = rejected.readValue();
        assertThat(Samples.failedRules(out)).containsExactly("MODEL_HALLUCINATION");
        assertThat(outcomes.readValue().getRules()).containsExactly("MODEL_HALLUCINATION");
    }

    @Test
    void withTheModelOnAPassingSampleIsDecidedWithItsMeasuredLossAndRepeatedScoresAreDropped() {
        // Given the model measuring complexity on the default scale (loss 0.5 easy .. 2.5 hard)
        driver.close();
        open(PipelineConfig.builder(dir).complexityModel(true).build(), "verification-scored-test");
        final Sample sample = sample("d1-6", "weather in Braga");
        candidates.pipeInput(sample.getId(), sample);

        // When every judge passes it
        for (final LlmRequest request : requests.readValuesToList()) {
            replies.pipeInput(sample.getId(), verdict(request, true));
        }

        // Then it is not decided yet, but put to the model
        assertThat(verified.isEmpty()).isTrue();
        assertThat(outcomes.isEmpty()).isTrue();
        final LlmRequest score = requests.readValue();
        assertThat(score.getTask()).isEqualTo(AgentTask.SCORE_COMPLEXITY);
        assertThat(score.getReplyTopic()).isEqualTo(fixtures.topics.verifyReplies.name());
        assertThat(score.getCorrelationId()).isEqualTo(sample.getId());
        assertThat(((Sample) score.getPayload()).getVerdicts()).hasSize(4).allMatch(v -> v.getPassed());

        // and the same content meanwhile is a duplicate
        candidates.pipeInput(sample.getId(), Sample.newBuilder(sample).setDialogId("d1-7").build());
        assertThat(rejected.readValue().getVerdicts().get(0).getRule()).isEqualTo("SAMPLE_DUPLICATE");
        outcomes.readValue();

        // When the model's loss comes, twice
        final LlmReply measured = StageFixtures.reply(score, new ComplexityResult(2.0, true, "fixture"), null);
        replies.pipeInput(sample.getId(), measured);
        replies.pipeInput(sample.getId(), measured);

        // Then it is verified once, with the loss on the scale as its complexity and the scorer in its lineage
        final Sample out = verified.readValue();
        assertThat(verified.isEmpty()).isTrue();
        assertThat(out.getComplexity()).isEqualTo(0.75);
        assertThat(out.getLineage().getAgents()).containsEntry("SCORE_COMPLEXITY", "test/fixture");
        assertThat(outcomes.readValuesToList()).singleElement().satisfies(o -> {
            assertThat(o.getStatus()).isEqualTo(OutcomeStatus.VERIFIED);
            assertThat(o.getComplexity()).isEqualTo(0.75);
        });
        assertThat(metrics.counter("toolace.verify.complexity", "source", "model").count()).isEqualTo(1);
    }

    @Test
    void anUnmeasuredOrFailedScoreFallsBackToTheProxy() throws Exception {
        // Given the model on and no judges, so the rule layer asks for the score itself
        driver.close();
        open(PipelineConfig.builder(dir).complexityModel(true).judges(List.of()).build(),
                "verification-unscored-test");
        final Sample unmeasured = sample("d1-8", "weather in Evora");
        final Sample failed = sample("d1-9", "weather in Beja, and tomorrow's too");
        candidates.pipeInput(unmeasured.getId(), unmeasured);
        candidates.pipeInput(failed.getId(), failed);
        final List<LlmRequest> asked = requests.readValuesToList();
        assertThat(asked).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.SCORE_COMPLEXITY, AgentTask.SCORE_COMPLEXITY);

        // When the procedural backend, which has no token loss, answers one, and the other call failed
        try (ProceduralBackend procedural = new ProceduralBackend(new ProceduralSettings(0, 1))) {
            replies.pipeInput(unmeasured.getId(), procedural.answer(asked.get(0)).get(10, TimeUnit.SECONDS));
        }
        replies.pipeInput(failed.getId(), StageFixtures.reply(asked.get(1), null, "HTTP 503 after 5 attempts"));

        // Then both are verified with the proxy's measure, and the metric says so
        final List<Sample> out = verified.readValuesToList();
        assertThat(out).extracting(Sample::getId).containsExactly(unmeasured.getId(), failed.getId());
        for (final Sample sample : out) {
            assertThat(sample.getComplexity())
                    .isEqualTo(new ComplexityProxy().complexity(ToolSamples.toToolSample(sample)));
            assertThat(sample.getLineage().getAgents()).doesNotContainKey("SCORE_COMPLEXITY");
        }
        assertThat(outcomes.readValuesToList()).extracting(DialogOutcome::getComplexity)
                .containsExactly(out.get(0).getComplexity(), out.get(1).getComplexity());
        assertThat(metrics.counter("toolace.verify.complexity", "source", "proxy").count()).isEqualTo(2);
        assertThat(metrics.counter("toolace.verify.complexity", "source", "model").count()).isZero();
    }

    @Test
    void withTheModelOnARejectedSampleCostsNoScoreCall() {
        driver.close();
        open(PipelineConfig.builder(dir).complexityModel(true).build(), "verification-rejected-unscored-test");

        candidates.pipeInput(sample("d1-10", "please break it"));

        assertThat(requests.isEmpty()).isTrue();
        assertThat(rejected.readValue().getComplexity()).isBetween(0.0, 1.0);
    }

    @Test
    void theLossScaleIsLinearBetweenEasyAndHardAndClamped() {
        final PipelineConfig config = PipelineConfig.builder(dir).complexityLoss(1.0, 3.0).build();

        assertThat(ComplexityScoring.fromLoss(0.2, config)).isZero();
        assertThat(ComplexityScoring.fromLoss(1.5, config)).isEqualTo(0.25);
        assertThat(ComplexityScoring.fromLoss(4.0, config)).isEqualTo(1.0);
    }
}
