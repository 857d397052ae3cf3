package io.toolace.stream.dialog;

import static io.toolace.stream.dialog.AssistantVoteTest.call;
import static io.toolace.stream.dialog.AssistantVoteTest.calling;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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

/** The turn stage with three answers per assistant action and one retry of a vote without a majority. */
class AssistantVoteStageTest {

    private static final String LISBON = "{\"city\":\"Lisbon\",\"hours\":3}";

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
        final PipelineConfig config = PipelineConfig.builder(dir).assistantVotes(3).voteRetries(1).build();
        driver = new TopologyTestDriver(new TurnStage(topics, config).buildTopology(),
                fixtures.driverProperties("assistant-vote-stage-test"));
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

    /** A draft whose user has asked, waiting for the assistant. */
    private List<LlmRequest> assistantAsked(final String id, final int plannerPartition) {
        final Turn asked = Turn.newBuilder().setRole(Role.USER).setText("Weather in Lisbon?").build();
        drafts.pipeInput(id, DialogDraft.newBuilder(StageFixtures.draft(id, plannerPartition))
                .setTurns(List.of(asked)).setNext(Agent.ASSISTANT).setStep(1).build());
        return requests.readValuesToList();
    }

    private void answer(final LlmRequest request, final TurnResult result) {
        replies.pipeInput(request.getCorrelationId(), StageFixtures.reply(request, result, null));
    }

    private static TurnResult forecast(final String arguments) {
        return calling(call("Get Hourly Forecast", arguments));
    }

    @Test
    void anAssistantStepIsAskedOncePerVoteWithItsOwnSampleIndexAndId() {
        final List<LlmRequest> asked = assistantAsked("d0-0", 0);

        assertThat(asked).extracting(LlmRequest::getSampleIndex).containsExactly(0, 1, 2);
        assertThat(asked).extracting(LlmRequest::getTask).containsOnly(AgentTask.ASSISTANT_TURN);
        assertThat(asked).extracting(LlmRequest::getStep).containsOnly(1);
        assertThat(asked).extracting(LlmRequest::getId).doesNotHaveDuplicates();
    }

    @Test
    void threeAgreeingAnswersAreAppliedOnceWhateverTheirKeyOrder() {
        final List<LlmRequest> asked = assistantAsked("d0-0", 0);
        final TurnResult first = TurnResult.newBuilder(forecast(LISBON)).setFaults(List.of("EXEC_WRONG_TYPE")).build();

        answer(asked.get(2), forecast("{\"hours\":3,\"city\":\"Lisbon\"}"));
        answer(asked.get(0), first);
        assertThat(nextDrafts.isEmpty()).isTrue();
        answer(asked.get(1), forecast("{ \"hours\": 3,\n  \"city\": \"Lisbon\" }"));

        final List<DialogDraft> moved = nextDrafts.readValuesToList();
        assertThat(moved).singleElement().satisfies(next -> {
            assertThat(next.getNext()).isEqualTo(Agent.TOOL);
            assertThat(next.getStep()).isEqualTo(2);
            assertThat(next.getTurns()).hasSize(2).last().isEqualTo(first.getTurn());
            assertThat(next.getFaults()).containsExactly("EXEC_WRONG_TYPE");
            assertThat(next.getLineage().getAgents()).containsEntry("ASSISTANT_TURN", "test/fixture");
        });
        assertThat(requests.readValuesToList()).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.TOOL_RESPONSE);
        assertThat(rejected.isEmpty()).isTrue();
    }

    @Test
    void twoOfThreeAgreeingIsAMajorityAndTheirFirstAnswerIsApplied() {
        final List<LlmRequest> asked = assistantAsked("d0-0", 0);
        final TurnResult agreed = forecast("{\"hours\":3,\"city\":\"Lisbon\"}");

        answer(asked.get(0), forecast("{\"city\":\"Porto\",\"hours\":3}"));
        answer(asked.get(1), agreed);
        answer(asked.get(2), forecast(LISBON));

        assertThat(nextDrafts.readValuesToList()).singleElement()
                .satisfies(next -> assertThat(next.getTurns().get(1)).isEqualTo(agreed.getTurn()));
        assertThat(requests.readValuesToList()).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.TOOL_RESPONSE);
    }

    @Test
    void withoutAMajorityTheStepIsAskedAgainThenTheDraftIsRejected() {
        final List<LlmRequest> asked = assistantAsked("d2-5", 2);
        answer(asked.get(0), forecast("{\"city\":\"Porto\"}"));
        answer(asked.get(1), forecast(LISBON));
        answer(asked.get(2), AssistantVoteTest.saying("Which city?", false));

        // The retry asks for new samples, so the gateway's cache cannot hand back the same answers.
        final List<LlmRequest> again = requests.readValuesToList();
        assertThat(again).extracting(LlmRequest::getSampleIndex).containsExactly(3, 4, 5);
        assertThat(again).extracting(LlmRequest::getStep).containsOnly(1);
        assertThat(again).extracting(LlmRequest::getId).doesNotContainAnyElementsOf(
                asked.stream().map(LlmRequest::getId).toList());
        assertThat(nextDrafts.isEmpty()).isTrue();
        assertThat(rejected.isEmpty()).isTrue();

        // A redelivered answer of the first round does not count in the second.
        answer(asked.get(1), forecast(LISBON));
        answer(again.get(0), forecast("{\"city\":\"Porto\"}"));
        answer(again.get(1), forecast(LISBON));
        assertThat(rejected.isEmpty()).isTrue();
        answer(again.get(2), AssistantVoteTest.saying("Which city?", false));

        final Sample sample = rejected.readValue();
        assertThat(sample.getVerdicts()).singleElement().satisfies(v -> {
            assertThat(v.getRule()).isEqualTo("ASSISTANT_VOTE_DISAGREED");
            assertThat(v.getMessage()).contains("no majority of 3 answers in 2 rounds",
                    "1x Get Hourly Forecast{\"city\":\"Porto\"}", "1x no call");
        });
        final TestRecord<String, DialogOutcome> outcome = outcomes.readRecord();
        assertThat(outcome.key()).isEqualTo("2");
        assertThat(outcome.value().getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(outcome.value().getDialogId()).isEqualTo("d2-5");
        assertThat(outcomes.isEmpty()).isTrue();
        assertThat(requests.isEmpty()).isTrue();
        assertThat(nextDrafts.isEmpty()).isTrue();

        // The draft has ended: a late answer changes nothing.
        answer(again.get(2), forecast(LISBON));
        assertThat(rejected.isEmpty()).isTrue();
        assertThat(outcomes.isEmpty()).isTrue();
    }

    @Test
    void aRepeatedAnswerCountsOnce() {
        final List<LlmRequest> asked = assistantAsked("d0-0", 0);

        answer(asked.get(0), forecast(LISBON));
        answer(asked.get(0), forecast(LISBON));
        answer(asked.get(1), forecast(LISBON));
        answer(asked.get(1), forecast(LISBON));
        assertThat(nextDrafts.isEmpty()).isTrue();
        answer(asked.get(2), forecast(LISBON));
        answer(asked.get(2), forecast(LISBON));

        assertThat(nextDrafts.readValuesToList()).hasSize(1);
        assertThat(requests.readValuesToList()).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.TOOL_RESPONSE);
    }

    @Test
    void aFailedAnswerDoesNotHoldTheVoteUpAndAgreesWithNothing() {
        final List<LlmRequest> asked = assistantAsked("d0-0", 0);

        replies.pipeInput("d0-0", StageFixtures.reply(asked.get(0), null, "retries exhausted: HTTP 503"));
        answer(asked.get(1), forecast(LISBON));
        answer(asked.get(2), forecast(LISBON));
        assertThat(nextDrafts.readValuesToList()).singleElement()
                .satisfies(next -> assertThat(next.getNext()).isEqualTo(Agent.TOOL));
        assertThat(requests.readValuesToList()).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.TOOL_RESPONSE);

        final List<LlmRequest> other = assistantAsked("d1-0", 1);
        replies.pipeInput("d1-0", StageFixtures.reply(other.get(0), null, "retries exhausted: HTTP 503"));
        replies.pipeInput("d1-0", StageFixtures.reply(other.get(1), null, "retries exhausted: HTTP 503"));
        answer(other.get(2), forecast(LISBON));
        assertThat(requests.readValuesToList()).extracting(LlmRequest::getSampleIndex).containsExactly(3, 4, 5);
        assertThat(nextDrafts.isEmpty()).isTrue();
    }

    @Test
    void proceduralAnswersAgreeSoTheVoteMakesTheSampleOneAnswerMakesFaultsIncluded() {
        final ProceduralDialogs dialogs = new ProceduralDialogs(0.3, 7L, 120);
        int faulted = 0;
        for (int seq = 0; seq < 20; seq++) {
            final DialogDraft planned = dialogs.plan(seq);
            final ProceduralDialogs.Driven single = dialogs.drive(planned);
            drafts.pipeInput(planned.getId(), planned);
            for (List<LlmRequest> asked = requests.readValuesToList(); !asked.isEmpty();
                    asked = requests.readValuesToList()) {
                for (final LlmRequest request : asked) {
                    replies.pipeInput(request.getCorrelationId(), dialogs.backend().answer(request).join());
                }
            }
            final List<Sample> ended = rejected.readValuesToList();
            if (single.sample() == null) {
                assertThat(ended).as(single.failure()).singleElement().satisfies(sample ->
                        assertThat(Samples.failedRules(sample)).doesNotContain(TurnReplyProcessor.VOTE_DISAGREED));
                continue;
            }
            assertThat(ended).isEmpty();
            final Sample voted = candidates.readValue();
            assertThat(voted.getTurns()).isEqualTo(single.sample().getTurns());
            assertThat(voted.getFaults()).isEqualTo(single.sample().getFaults());
            faulted += voted.getFaults().isEmpty() ? 0 : 1;
        }
        assertThat(faulted).as("dialogs carrying a labelled fault").isPositive();
    }

    @Test
    void userAndToolTurnsAreAskedOnce() {
        drafts.pipeInput("d0-0", StageFixtures.draft("d0-0", 0));
        final Turn called = calling(call("Get Hourly Forecast", LISBON)).getTurn();
        drafts.pipeInput("d0-1", DialogDraft.newBuilder(StageFixtures.draft("d0-1", 0))
                .setTurns(List.of(called)).setNext(Agent.TOOL).setStep(2).build());

        assertThat(requests.readValuesToList()).extracting(LlmRequest::getTask, LlmRequest::getSampleIndex)
                .containsExactly(tuple(AgentTask.USER_TURN, 0), tuple(AgentTask.TOOL_RESPONSE, 0));
    }
}
