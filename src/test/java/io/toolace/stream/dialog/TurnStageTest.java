package io.toolace.stream.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.StageFixtures;
import io.toolace.stream.kafka.PipelineConfig;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogOutcome;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TurnStageTest {

    @TempDir
    Path dir;

    private StageFixtures fixtures;
    private TopologyTestDriver driver;
    private TestInputTopic<String, DialogDraft> drafts;
    private TestInputTopic<String, LlmReply> replies;
    private TestOutputTopic<String, LlmRequest> requests;
    private TestOutputTopic<String, DialogDraft> nextDrafts;
    private TestOutputTopic<String, Sample> candidates;
    private TestOutputTopic<String, Sample> rejected;
    private TestOutputTopic<String, DialogOutcome> outcomes;

    @BeforeEach
    void start() {
        fixtures = new StageFixtures(dir);
        final var topics = fixtures.topics;
        final PipelineConfig config = PipelineConfig.builder(dir).maxSteps(6).build();
        driver = new TopologyTestDriver(new TurnStage(topics, config).buildTopology(),
                fixtures.driverProperties("turn-stage-test"));
        drafts = StageFixtures.input(driver, topics.drafts);
        replies = StageFixtures.input(driver, topics.dialogReplies);
        requests = StageFixtures.output(driver, topics.llmRequests);
        nextDrafts = StageFixtures.output(driver, topics.drafts);
        candidates = StageFixtures.output(driver, topics.sampleCandidates);
        rejected = StageFixtures.output(driver, topics.rejected);
        outcomes = StageFixtures.output(driver, topics.outcomes);
    }

    @AfterEach
    void stop() {
        driver.close();
        fixtures.close();
    }

    private static TurnResult userSays(final String text) {
        return TurnResult.newBuilder()
                .setTurn(Turn.newBuilder().setRole(Role.USER).setText(text).build())
                .setFaults(List.of())
                .setFinished(false)
                .build();
    }

    @Test
    void aDraftAsksForTheNextAgentsTurnAndItsReplyIsAppliedOnce() {
        // Given a new draft waiting for its user turn
        drafts.pipeInput("d0-0", StageFixtures.draft("d0-0", 0));
        final LlmRequest request = requests.readValue();
        assertThat(request.getTask()).isEqualTo(AgentTask.USER_TURN);
        assertThat(request.getStep()).isZero();
        assertThat(request.getReplyTopic()).isEqualTo(fixtures.topics.dialogReplies.name());

        // When the user agent's answer arrives twice (the gateway may redeliver)
        final LlmReply reply = StageFixtures.reply(request, userSays("Weather in Lisbon?"), null);
        replies.pipeInput("d0-0", reply);
        replies.pipeInput("d0-0", reply);

        // Then the draft moves on exactly once, to the assistant
        final List<DialogDraft> moved = nextDrafts.readValuesToList();
        assertThat(moved).hasSize(1);
        assertThat(moved.get(0).getTurns()).hasSize(1);
        assertThat(moved.get(0).getNext()).isEqualTo(Agent.ASSISTANT);
        assertThat(moved.get(0).getStep()).isEqualTo(1);
        assertThat(moved.get(0).getLineage().getAgents()).containsEntry("USER_TURN", "test/fixture");
    }

    @Test
    void withoutAVoteAnAssistantStepIsAskedOnceAndItsAnswerApplied() {
        drafts.pipeInput("d0-3", DialogDraft.newBuilder(StageFixtures.draft("d0-3", 0))
                .setTurns(List.of(userSays("Weather in Lisbon?").getTurn())).setNext(Agent.ASSISTANT).setStep(1)
                .build());
        final List<LlmRequest> asked = requests.readValuesToList();
        assertThat(asked).singleElement().satisfies(request -> {
            assertThat(request.getTask()).isEqualTo(AgentTask.ASSISTANT_TURN);
            assertThat(request.getSampleIndex()).isZero();
        });

        replies.pipeInput("d0-3", StageFixtures.reply(asked.get(0), AssistantVoteTest.calling(
                AssistantVoteTest.call("Get Hourly Forecast", "{\"city\":\"Lisbon\"}")), null));

        assertThat(nextDrafts.readValuesToList()).singleElement()
                .satisfies(next -> assertThat(next.getNext()).isEqualTo(Agent.TOOL));
        assertThat(requests.readValuesToList()).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.TOOL_RESPONSE);
    }

    @Test
    void aFailedAgentCallEndsTheDraftRejectedWithTheReasonAndTellsItsPlanner() {
        drafts.pipeInput("d3-7", StageFixtures.draft("d3-7", 3));
        final LlmRequest request = requests.readValue();

        replies.pipeInput("d3-7", StageFixtures.reply(request, null, "retries exhausted: HTTP 503"));

        final Sample sample = rejected.readValue();
        assertThat(sample.getVerdicts()).singleElement()
                .satisfies(v -> assertThat(v.getRule()).isEqualTo("LLM_ERROR"))
                .satisfies(v -> assertThat(v.getMessage()).contains("HTTP 503"));
        final TestRecord<String, DialogOutcome> outcome = outcomes.readRecord();
        assertThat(outcome.key()).isEqualTo("3");
        assertThat(outcome.value().getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(outcome.value().getDialogId()).isEqualTo("d3-7");
        assertThat(nextDrafts.isEmpty()).isTrue();
    }

    @Test
    void aTurnFromTheWrongAgentIsRejectedNotApplied() {
        drafts.pipeInput("d0-1", StageFixtures.draft("d0-1", 0));
        final LlmRequest request = requests.readValue();
        final TurnResult assistantTurn = TurnResult.newBuilder(userSays("hi"))
                .setTurn(Turn.newBuilder().setRole(Role.ASSISTANT).setText("hello").build()).build();

        replies.pipeInput("d0-1", StageFixtures.reply(request, assistantTurn, null));

        assertThat(rejected.readValue().getVerdicts().get(0).getRule()).isEqualTo("AGENT_BAD_ANSWER");
        assertThat(nextDrafts.isEmpty()).isTrue();
    }

    @Test
    void aFinishedDraftBecomesACandidateKeyedByItsContent() {
        final DialogDraft done = DialogDraft.newBuilder(StageFixtures.draft("d1-2", 1))
                .setTurns(List.of(userSays("hi").getTurn())).setNext(Agent.DONE).setStep(1).build();

        drafts.pipeInput("d1-2", done);

        final TestRecord<String, Sample> candidate = candidates.readRecord();
        assertThat(candidate.key()).isEqualTo(Samples.contentId(done.getSystem(), done.getTools(), done.getTurns()));
        assertThat(candidate.value().getDialogId()).isEqualTo("d1-2");
        assertThat(requests.isEmpty()).isTrue();
    }

    @Test
    void aDraftPastTheStepLimitIsRejectedAsRunaway() {
        drafts.pipeInput("d0-9", DialogDraft.newBuilder(StageFixtures.draft("d0-9", 0)).setStep(6).build());

        assertThat(rejected.readValue().getVerdicts().get(0).getRule()).isEqualTo("DIALOG_STEP_LIMIT");
        assertThat(outcomes.readValue().getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(requests.isEmpty()).isTrue();
    }
}
