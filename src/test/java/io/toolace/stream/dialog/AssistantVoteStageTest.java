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
import io.toolace.stream.records.LlmRequest;
import io.toolace.stream.records.OutcomeStatus;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The turn stage with three answers per assistant action and one retry of a vote without a majority. Two answers
 * are asked first; the third only when they disagree, since two agreeing answers are a majority of three.
 */
class AssistantVoteStageTest {

    private static final String LISBON = "{\"city\":\"Lisbon\",\"hours\":3}";

    @TempDir
    Path dir;

    private TurnStageDriver stage;

    @BeforeEach
    void start() {
        stage = new TurnStageDriver(dir, PipelineConfig.builder(dir).assistantVotes(3).voteRetries(1).build(), "assistant-vote-stage-test");
    }

    @AfterEach
    void stop() {
        stage.close();
    }

    /** A draft whose user has asked, waiting for the assistant. */
    private List<LlmRequest> assistantAsked(final String id, final int plannerPartition) {
        final Turn asked = Turn.newBuilder().setRole(Role.USER).setText("Weather in Lisbon?").build();
        stage.drafts.pipeInput(id, DialogDraft.newBuilder(StageFixtures.draft(id, plannerPartition))
                .setTurns(List.of(asked)).setNext(Agent.ASSISTANT).setStep(1).build());
        return stage.requests.readValuesToList();
    }

    private void answer(final LlmRequest request, final TurnResult result) {
        stage.replies.pipeInput(request.getCorrelationId(), StageFixtures.reply(request, result, null));
    }

    private static TurnResult forecast(final String arguments) {
        return calling(call("Get Hourly Forecast", arguments));
    }

    @Test
    void anAssistantStepIsAskedForAMajorityFirstEachAnswerWithItsOwnSampleIndexAndId() {
        final List<LlmRequest> asked = assistantAsked("d0-0", 0);

        assertThat(asked).extracting(LlmRequest::getSampleIndex).containsExactly(0, 1);
        assertThat(asked).extracting(LlmRequest::getTask).containsOnly(AgentTask.ASSISTANT_TURN);
        assertThat(asked).extracting(LlmRequest::getStep).containsOnly(1);
        assertThat(asked).extracting(LlmRequest::getId).doesNotHaveDuplicates();
    }

    @Test
    void twoAgreeingAnswersAreAppliedOnceWhateverTheirKeyOrderWithoutAskingTheThird() {
        final List<LlmRequest> asked = assistantAsked("d0-0", 0);
        final TurnResult first = TurnResult.newBuilder(forecast(LISBON)).setFaults(List.of("EXEC_WRONG_TYPE")).build();

        answer(asked.get(1), forecast("{ \"hours\": 3,\n  \"city\": \"Lisbon\" }"));
        assertThat(stage.nextDrafts.isEmpty()).isTrue();
        assertThat(stage.requests.isEmpty()).isTrue();
        answer(asked.get(0), first);

        final List<DialogDraft> moved = stage.nextDrafts.readValuesToList();
        assertThat(moved).singleElement().satisfies(next -> {
            assertThat(next.getNext()).isEqualTo(Agent.TOOL);
            assertThat(next.getStep()).isEqualTo(2);
            assertThat(next.getTurns()).hasSize(2).last().isEqualTo(first.getTurn());
            assertThat(next.getFaults()).containsExactly("EXEC_WRONG_TYPE");
            assertThat(next.getLineage().getAgents()).containsEntry("ASSISTANT_TURN", "test/fixture");
        });
        assertThat(stage.requests.readValuesToList()).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.TOOL_RESPONSE);
        assertThat(stage.rejected.isEmpty()).isTrue();
    }

    @Test
    void twoDisagreeingAnswersAskTheThirdAndTwoOfThreeAgreeingIsAMajorityWhoseFirstAnswerIsApplied() {
        final List<LlmRequest> asked = assistantAsked("d0-0", 0);
        final TurnResult agreed = forecast("{\"hours\":3,\"city\":\"Lisbon\"}");

        answer(asked.get(0), forecast("{\"city\":\"Porto\",\"hours\":3}"));
        answer(asked.get(1), agreed);
        final List<LlmRequest> third = stage.requests.readValuesToList();
        assertThat(third).extracting(LlmRequest::getSampleIndex).containsExactly(2);
        assertThat(third).extracting(LlmRequest::getId).doesNotContainAnyElementsOf(
                asked.stream().map(LlmRequest::getId).toList());
        assertThat(stage.nextDrafts.isEmpty()).isTrue();
        answer(third.get(0), forecast(LISBON));

        assertThat(stage.nextDrafts.readValuesToList()).singleElement()
                .satisfies(next -> assertThat(next.getTurns().get(1)).isEqualTo(agreed.getTurn()));
        assertThat(stage.requests.readValuesToList()).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.TOOL_RESPONSE);
    }

    @Test
    void withoutAMajorityTheStepIsAskedAgainThenTheDraftIsRejected() {
        final List<LlmRequest> asked = assistantAsked("d2-5", 2);
        answer(asked.get(0), forecast("{\"city\":\"Porto\"}"));
        answer(asked.get(1), forecast(LISBON));
        final LlmRequest third = stage.requests.readValue();
        answer(third, AssistantVoteTest.saying("Which city?", false));

        // The retry asks for new samples, so the gateway's cache cannot hand back the same answers.
        final List<LlmRequest> again = stage.requests.readValuesToList();
        assertThat(again).extracting(LlmRequest::getSampleIndex).containsExactly(3, 4);
        assertThat(again).extracting(LlmRequest::getStep).containsOnly(1);
        assertThat(again).extracting(LlmRequest::getId).doesNotContainAnyElementsOf(
                asked.stream().map(LlmRequest::getId).toList());
        assertThat(stage.nextDrafts.isEmpty()).isTrue();
        assertThat(stage.rejected.isEmpty()).isTrue();

        // A redelivered answer of the first round does not count in the second.
        answer(asked.get(1), forecast(LISBON));
        answer(again.get(0), forecast("{\"city\":\"Porto\"}"));
        answer(again.get(1), forecast(LISBON));
        assertThat(stage.rejected.isEmpty()).isTrue();
        final LlmRequest lastOfRetry = stage.requests.readValue();
        assertThat(lastOfRetry.getSampleIndex()).isEqualTo(5);
        answer(lastOfRetry, AssistantVoteTest.saying("Which city?", false));

        final Sample sample = stage.rejected.readValue();
        assertThat(sample.getVerdicts()).singleElement().satisfies(v -> {
            assertThat(v.getRule()).isEqualTo("ASSISTANT_VOTE_DISAGREED");
            assertThat(v.getMessage()).contains("no majority of 3 answers in 2 rounds",
                    "1x Get Hourly Forecast{\"city\":\"Porto\"}", "1x no call");
        });
        final TestRecord<String, DialogOutcome> outcome = stage.outcomes.readRecord();
        assertThat(outcome.key()).isEqualTo("2");
        assertThat(outcome.value().getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(outcome.value().getDialogId()).isEqualTo("d2-5");
        assertThat(stage.outcomes.isEmpty()).isTrue();
        assertThat(stage.requests.isEmpty()).isTrue();
        assertThat(stage.nextDrafts.isEmpty()).isTrue();

        // The draft has ended: a late answer changes nothing.
        answer(lastOfRetry, forecast(LISBON));
        assertThat(stage.rejected.isEmpty()).isTrue();
        assertThat(stage.outcomes.isEmpty()).isTrue();
    }

    @Test
    void aRepeatedAnswerCountsOnce() {
        final List<LlmRequest> asked = assistantAsked("d0-0", 0);

        answer(asked.get(0), forecast(LISBON));
        answer(asked.get(0), forecast(LISBON));
        assertThat(stage.nextDrafts.isEmpty()).isTrue();
        assertThat(stage.requests.isEmpty()).isTrue();
        answer(asked.get(1), forecast(LISBON));
        answer(asked.get(1), forecast(LISBON));

        assertThat(stage.nextDrafts.readValuesToList()).hasSize(1);
        assertThat(stage.requests.readValuesToList()).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.TOOL_RESPONSE);
    }

    @Test
    void aFailedAnswerDoesNotHoldTheVoteUpAndAgreesWithNothing() {
        final List<LlmRequest> asked = assistantAsked("d0-0", 0);

        stage.replies.pipeInput("d0-0", StageFixtures.reply(asked.get(0), null, "retries exhausted: HTTP 503"));
        answer(asked.get(1), forecast(LISBON));
        answer(stage.requests.readValue(), forecast(LISBON));
        assertThat(stage.nextDrafts.readValuesToList()).singleElement()
                .satisfies(next -> assertThat(next.getNext()).isEqualTo(Agent.TOOL));
        assertThat(stage.requests.readValuesToList()).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.TOOL_RESPONSE);

        final List<LlmRequest> other = assistantAsked("d1-0", 1);
        stage.replies.pipeInput("d1-0", StageFixtures.reply(other.get(0), null, "retries exhausted: HTTP 503"));
        stage.replies.pipeInput("d1-0", StageFixtures.reply(other.get(1), null, "retries exhausted: HTTP 503"));
        answer(stage.requests.readValue(), forecast(LISBON));
        assertThat(stage.requests.readValuesToList()).extracting(LlmRequest::getSampleIndex).containsExactly(3, 4);
        assertThat(stage.nextDrafts.isEmpty()).isTrue();
    }

    @Test
    void proceduralAnswersAgreeSoTheVoteMakesTheSampleOneAnswerMakesFaultsIncluded() {
        final ProceduralDialogs dialogs = new ProceduralDialogs(0.3, 7L, 120);
        int faulted = 0;
        for (int seq = 0; seq < 20; seq++) {
            final DialogDraft planned = dialogs.plan(seq);
            final ProceduralDialogs.Driven single = dialogs.drive(planned);
            stage.drafts.pipeInput(planned.getId(), planned);
            for (List<LlmRequest> asked = stage.requests.readValuesToList(); !asked.isEmpty();
                    asked = stage.requests.readValuesToList()) {
                for (final LlmRequest request : asked) {
                    stage.replies.pipeInput(request.getCorrelationId(), dialogs.backend().answer(request).join());
                }
            }
            final List<Sample> ended = stage.rejected.readValuesToList();
            if (single.sample() == null) {
                assertThat(ended).as(single.failure()).singleElement().satisfies(sample ->
                        assertThat(Samples.failedRules(sample)).doesNotContain(TurnReplyProcessor.VOTE_DISAGREED));
                continue;
            }
            assertThat(ended).isEmpty();
            final Sample voted = stage.candidates.readValue();
            assertThat(voted.getTurns()).isEqualTo(single.sample().getTurns());
            assertThat(voted.getFaults()).isEqualTo(single.sample().getFaults());
            faulted += voted.getFaults().isEmpty() ? 0 : 1;
        }
        assertThat(faulted).as("dialogs carrying a labelled fault").isPositive();
    }

    @Test
    void userAndToolTurnsAreAskedOnce() {
        stage.drafts.pipeInput("d0-0", StageFixtures.draft("d0-0", 0));
        final Turn called = calling(call("Get Hourly Forecast", LISBON)).getTurn();
        stage.drafts.pipeInput("d0-1", DialogDraft.newBuilder(StageFixtures.draft("d0-1", 0))
                .setTurns(List.of(called)).setNext(Agent.TOOL).setStep(2).build());

        assertThat(stage.requests.readValuesToList()).extracting(LlmRequest::getTask, LlmRequest::getSampleIndex)
                .containsExactly(tuple(AgentTask.USER_TURN, 0), tuple(AgentTask.TOOL_RESPONSE, 0));
    }
}
