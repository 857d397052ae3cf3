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
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TurnStageTest {

    @TempDir
    Path dir;

    private TurnStageDriver stage;

    @BeforeEach
    void start() {
        stage = new TurnStageDriver(dir, PipelineConfig.builder(dir).maxSteps(6).build(), "turn-stage-test");
    }

    @AfterEach
    void stop() {
        stage.close();
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
        stage.drafts.pipeInput("d0-0", StageFixtures.draft("d0-0", 0));
        final LlmRequest request = stage.requests.readValue();
        assertThat(request.getTask()).isEqualTo(AgentTask.USER_TURN);
        assertThat(request.getStep()).isZero();
        assertThat(request.getReplyTopic()).isEqualTo(stage.topics.dialogReplies.name());

        // When the user agent's answer arrives twice (the gateway may redeliver)
        final LlmReply reply = StageFixtures.reply(request, userSays("Weather in Lisbon?"), null);
        stage.replies.pipeInput("d0-0", reply);
        stage.replies.pipeInput("d0-0", reply);

        // Then the draft moves on exactly once, to the assistant
        final List<DialogDraft> moved = stage.nextDrafts.readValuesToList();
        assertThat(moved).hasSize(1);
        assertThat(moved.get(0).getTurns()).hasSize(1);
        assertThat(moved.get(0).getNext()).isEqualTo(Agent.ASSISTANT);
        assertThat(moved.get(0).getStep()).isEqualTo(1);
        assertThat(moved.get(0).getLineage().getAgents()).containsEntry("USER_TURN", "test/fixture");
    }

    @Test
    void withoutAVoteAnAssistantStepIsAskedOnceAndItsAnswerApplied() {
        stage.drafts.pipeInput("d0-3", DialogDraft.newBuilder(StageFixtures.draft("d0-3", 0))
                .setTurns(List.of(userSays("Weather in Lisbon?").getTurn())).setNext(Agent.ASSISTANT).setStep(1)
                .build());
        final List<LlmRequest> asked = stage.requests.readValuesToList();
        assertThat(asked).singleElement().satisfies(request -> {
            assertThat(request.getTask()).isEqualTo(AgentTask.ASSISTANT_TURN);
            assertThat(request.getSampleIndex()).isZero();
        });

        stage.replies.pipeInput("d0-3", StageFixtures.reply(asked.get(0), AssistantVoteTest.calling(
                AssistantVoteTest.call("Get Hourly Forecast", "{\"city\":\"Lisbon\"}")), null));

        assertThat(stage.nextDrafts.readValuesToList()).singleElement()
                .satisfies(next -> assertThat(next.getNext()).isEqualTo(Agent.TOOL));
        assertThat(stage.requests.readValuesToList()).extracting(LlmRequest::getTask)
                .containsExactly(AgentTask.TOOL_RESPONSE);
    }

    @Test
    void aFailedAgentCallIsAskedAgainUnderTheNextSampleIndexAndItsAnswerTakesTheStep() {
        stage.drafts.pipeInput("d3-6", StageFixtures.draft("d3-6", 3));
        final LlmRequest request = stage.requests.readValue();

        stage.replies.pipeInput("d3-6", StageFixtures.reply(request, null, "answer is not JSON: truncated at char 22"));

        final LlmRequest again = stage.requests.readValue();
        assertThat(again.getTask()).isEqualTo(request.getTask());
        assertThat(again.getStep()).isEqualTo(request.getStep());
        assertThat(again.getSampleIndex()).isEqualTo(1);
        assertThat(again.getId()).isNotEqualTo(request.getId());
        assertThat(stage.rejected.isEmpty()).isTrue();

        stage.replies.pipeInput("d3-6", StageFixtures.reply(again, userSays("weather in Faro?"), null));

        assertThat(stage.nextDrafts.readValue().getTurns()).extracting(Turn::getText).containsExactly("weather in Faro?");
        assertThat(stage.rejected.isEmpty()).isTrue();
    }

    @Test
    void aFailedAgentCallEndsTheDraftRejectedWithTheReasonOnceItsRetriesRanOutAndTellsItsPlanner() {
        stage.drafts.pipeInput("d3-7", StageFixtures.draft("d3-7", 3));
        LlmRequest request = stage.requests.readValue();

        // Asked three times in all under the default two retries, failing each time
        for (int retry = 0; retry < 2; retry++) {
            stage.replies.pipeInput("d3-7", StageFixtures.reply(request, null, "retries exhausted: HTTP 503"));
            request = stage.requests.readValue();
            assertThat(request.getSampleIndex()).isEqualTo(retry + 1);
        }
        stage.replies.pipeInput("d3-7", StageFixtures.reply(request, null, "retries exhausted: HTTP 503"));

        assertThat(stage.requests.isEmpty()).isTrue();
        final Sample sample = stage.rejected.readValue();
        assertThat(sample.getVerdicts()).singleElement()
                .satisfies(v -> assertThat(v.getRule()).isEqualTo("LLM_ERROR"))
                .satisfies(v -> assertThat(v.getMessage()).contains("HTTP 503"));
        final TestRecord<String, DialogOutcome> outcome = stage.outcomes.readRecord();
        assertThat(outcome.key()).isEqualTo("3");
        assertThat(outcome.value().getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(outcome.value().getDialogId()).isEqualTo("d3-7");
        assertThat(stage.nextDrafts.isEmpty()).isTrue();
    }

    @Test
    void aTurnFromTheWrongAgentIsRejectedNotApplied() {
        stage.drafts.pipeInput("d0-1", StageFixtures.draft("d0-1", 0));
        final LlmRequest request = stage.requests.readValue();
        final TurnResult assistantTurn = TurnResult.newBuilder(userSays("hi"))
                .setTurn(Turn.newBuilder().setRole(Role.ASSISTANT).setText("hello").build()).build();

        stage.replies.pipeInput("d0-1", StageFixtures.reply(request, assistantTurn, null));

        assertThat(stage.rejected.readValue().getVerdicts().get(0).getRule()).isEqualTo("AGENT_BAD_ANSWER");
        assertThat(stage.nextDrafts.isEmpty()).isTrue();
    }

    @Test
    void aFinishedDraftBecomesACandidateKeyedByItsContent() {
        final DialogDraft done = DialogDraft.newBuilder(StageFixtures.draft("d1-2", 1))
                .setTurns(List.of(userSays("hi").getTurn())).setNext(Agent.DONE).setStep(1).build();

        stage.drafts.pipeInput("d1-2", done);

        final TestRecord<String, Sample> candidate = stage.candidates.readRecord();
        assertThat(candidate.key()).isEqualTo(Samples.contentId(done.getSystem(), done.getTools(), done.getTurns()));
        assertThat(candidate.value().getDialogId()).isEqualTo("d1-2");
        assertThat(stage.requests.isEmpty()).isTrue();
    }

    @Test
    void aDraftWithoutASystemPromptBecomesASampleWithToolAcesPromptForItsTools() {
        final DialogDraft done = DialogDraft.newBuilder(StageFixtures.draft("d1-3", 1)).setSystem("")
                .setTurns(List.of(userSays("hi").getTurn())).setNext(Agent.DONE).setStep(1).build();

        stage.drafts.pipeInput("d1-3", done);

        final TestRecord<String, Sample> candidate = stage.candidates.readRecord();
        final String prompt = ToolSamples.systemPrompt(done.getTools());
        assertThat(prompt).contains(done.getTools().get(0).getName());
        assertThat(candidate.value().getSystem()).isEqualTo(prompt);
        assertThat(candidate.key()).isEqualTo(Samples.contentId(prompt, done.getTools(), done.getTurns()));
    }

    @Test
    void aDraftPastTheStepLimitIsRejectedAsRunaway() {
        stage.drafts.pipeInput("d0-9", DialogDraft.newBuilder(StageFixtures.draft("d0-9", 0)).setStep(6).build());

        assertThat(stage.rejected.readValue().getVerdicts().get(0).getRule()).isEqualTo("DIALOG_STEP_LIMIT");
        assertThat(stage.outcomes.readValue().getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(stage.requests.isEmpty()).isTrue();
    }
}
