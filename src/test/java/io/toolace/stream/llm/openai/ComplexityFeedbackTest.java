package io.toolace.stream.llm.openai;

import static io.toolace.stream.llm.openai.Fixtures.echoedCompletion;
import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.StageFixtures;
import io.toolace.stream.dialog.PlannerStage;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.dlv.VerificationStage;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.llm.openai.FakeOpenAiServer.Reply;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Turn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SDG's feedback loop with a model measuring complexity: the planner's drafts become samples, verification
 * asks the openai backend for their mean token loss on a vLLM-like server, and the outcomes it emits steer
 * the planner's next user instructions. The gateway's part, moving requests and replies, is played by the test.
 */
class ComplexityFeedbackTest {

    private static final String HARDER = "Ask for more";
    private static final String LESS_LITERAL = "less literal";
    private static final String EASIER = "Keep it simple";
    private static final int DIALOGS = 20;
    /** More APIs than the planner waits for before it plans, over enough domains for any tool count. */
    private static final int POOL = 96;

    @TempDir
    Path dir;

    private FakeOpenAiServer server;
    private OpenAiBackend backend;
    private StageFixtures fixtures;
    private TopologyTestDriver planner;
    private TopologyTestDriver verification;

    @BeforeEach
    void start() {
        server = FakeOpenAiServer.start();
        backend = new OpenAiBackend(OpenAiEndpoint.of(server.baseUrl(), "target-model")
                .withRequestTimeout(Duration.ofSeconds(10)));
        fixtures = new StageFixtures(dir);
        final PipelineConfig config = PipelineConfig.builder(dir).partitions(1).maxInFlightDialogs(DIALOGS)
                .judges(List.of()).complexityModel(true).build();
        planner = new TopologyTestDriver(new PlannerStage(fixtures.topics, config).buildTopology(),
                fixtures.driverProperties("feedback-planner"));
        verification = new TopologyTestDriver(new VerificationStage(fixtures.topics, config, sample -> List.of())
                .buildTopology(), fixtures.driverProperties("feedback-verification"));
    }

    @AfterEach
    void stop() {
        verification.close();
        planner.close();
        fixtures.close();
        backend.close();
        server.close();
    }

    @Test
    void aLowLossMakesTheNextDraftsAskForMoreWithMoreTools() throws Exception {
        // Given a target model that finds every sample easy: 0.2 nats/token, below the scale's easy end
        server.completionsWith(request -> Reply.rawBody(echoedCompletion(0.2, 40)));
        final List<DialogDraft> first = firstDrafts();
        assertThat(first).noneMatch(d -> d.getUserInstruction().contains(HARDER));

        // When the drafts are verified and scored
        final List<TestRecord<String, DialogOutcome>> outcomes = verifyAndScore(first);

        // Then every sample measured complexity 0, and the next drafts ask for more, less literally, with more tools
        assertThat(outcomes).extracting(TestRecord::value).hasSize(DIALOGS).allSatisfy(o -> {
            assertThat(o.getStatus()).isEqualTo(OutcomeStatus.VERIFIED);
            assertThat(o.getComplexity()).isZero();
        });
        final List<DialogDraft> next = plannedAfter(outcomes);
        assertThat(next).hasSize(DIALOGS).allMatch(d -> d.getUserInstruction().contains(HARDER)
                && d.getUserInstruction().contains(LESS_LITERAL));
        assertThat(meanTools(next)).isGreaterThan(meanTools(first));
    }

    @Test
    void aHighLossMakesTheNextDraftsSimplerWithFewerTools() throws Exception {
        // Given a target model that finds every sample hard: 4 nats/token, above the scale's hard end
        server.completionsWith(request -> Reply.rawBody(echoedCompletion(4.0, 40)));
        final List<DialogDraft> first = firstDrafts();
        assertThat(first).noneMatch(d -> d.getUserInstruction().contains(EASIER));

        // When
        final List<TestRecord<String, DialogOutcome>> outcomes = verifyAndScore(first);

        // Then
        assertThat(outcomes).extracting(TestRecord::value).hasSize(DIALOGS).allSatisfy(o -> {
            assertThat(o.getStatus()).isEqualTo(OutcomeStatus.VERIFIED);
            assertThat(o.getComplexity()).isEqualTo(1.0);
        });
        final List<DialogDraft> next = plannedAfter(outcomes);
        assertThat(next).hasSize(DIALOGS).allMatch(d -> d.getUserInstruction().contains(EASIER));
        assertThat(meanTools(next)).isLessThan(meanTools(first));
    }

    private List<DialogDraft> firstDrafts() {
        final TestInputTopic<String, ApiDefinition> pool = StageFixtures.input(planner, fixtures.topics.pool);
        for (int i = 0; i < POOL; i++) {
            final ApiDefinition api = ApiDefinition.newBuilder(StageFixtures.weatherApi())
                    .setId("api-" + i).setName("Tool " + i).setDomain("domain" + i % 4).setSubdomain("sub" + i % 8)
                    .build();
            pool.pipeInput(api.getId(), api);
        }
        return plan();
    }

    private List<DialogDraft> plan() {
        planner.advanceWallClockTime(Duration.ofMillis(20));
        return StageFixtures.output(planner, fixtures.topics.drafts).readValuesToList();
    }

    /** Each draft finished as a short dialog, verified, its SCORE_COMPLEXITY request answered by the backend. */
    private List<TestRecord<String, DialogOutcome>> verifyAndScore(final List<DialogDraft> drafts) throws Exception {
        final TestInputTopic<String, Sample> candidates = StageFixtures.input(verification,
                fixtures.topics.sampleCandidates);
        for (final DialogDraft draft : drafts) {
            final Sample sample = Samples.fromDraft(DialogDraft.newBuilder(draft).setTurns(List.of(
                    Turn.newBuilder().setRole(Role.USER).setText("What will the weather be? (" + draft.getId() + ")")
                            .build(),
                    Turn.newBuilder().setRole(Role.ASSISTANT).setText("Sunny, 21 degrees.").build())).build());
            candidates.pipeInput(sample.getId(), sample);
        }
        final List<LlmRequest> requests = StageFixtures.output(verification, fixtures.topics.llmRequests)
                .readValuesToList();
        assertThat(requests).hasSize(drafts.size()).allMatch(r -> r.getTask() == AgentTask.SCORE_COMPLEXITY);
        final TestInputTopic<String, LlmReply> replies = StageFixtures.input(verification,
                fixtures.topics.verifyReplies);
        for (final LlmRequest request : requests) {
            replies.pipeInput(request.getCorrelationId(), backend.answer(request).get(10, TimeUnit.SECONDS));
        }
        assertThat(server.requests()).hasSize(drafts.size()).allMatch(r -> r.path().equals("/v1/completions"));
        return StageFixtures.output(verification, fixtures.topics.outcomes).readRecordsToList();
    }

    /** The drafts planned once the planner has read these outcomes from {@code dialog.outcomes}. */
    private List<DialogDraft> plannedAfter(final List<TestRecord<String, DialogOutcome>> outcomes) {
        final TestInputTopic<String, DialogOutcome> input = StageFixtures.input(planner, fixtures.topics.outcomes);
        for (final TestRecord<String, DialogOutcome> outcome : outcomes) {
            input.pipeInput(outcome.key(), outcome.value());
        }
        return plan();
    }

    private static double meanTools(final List<DialogDraft> drafts) {
        return drafts.stream().mapToInt(d -> d.getTools().size()).average().orElseThrow();
    }
}
