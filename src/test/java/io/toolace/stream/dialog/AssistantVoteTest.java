package io.toolace.stream.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.StageFixtures;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.LlmReply;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.TurnResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssistantVoteTest {

    private static final DialogDraft DRAFT = DialogDraft.newBuilder(StageFixtures.draft("d0-0", 0))
            .setNext(Agent.ASSISTANT).setStep(1).build();

    static FunctionCall call(final String name, final String arguments) {
        return FunctionCall.newBuilder().setName(name).setArguments(arguments).build();
    }

    static TurnResult calling(final FunctionCall... calls) {
        return TurnResult.newBuilder()
                .setTurn(Turn.newBuilder().setRole(Role.ASSISTANT).setCalls(List.of(calls)).build())
                .setFaults(List.of())
                .setFinished(false)
                .build();
    }

    static TurnResult saying(final String text, final boolean finished) {
        return TurnResult.newBuilder()
                .setTurn(Turn.newBuilder().setRole(Role.ASSISTANT).setText(text).build())
                .setFaults(List.of())
                .setFinished(finished)
                .build();
    }

    /** One answer per result, sample indexes 0.. in order; a String stands for a failed request. */
    private static List<LlmReply> answers(final Object... results) {
        final List<LlmReply> answers = new ArrayList<>();
        for (int i = 0; i < results.length; i++) {
            final var request = LlmRequests.of(AgentTask.ASSISTANT_TURN, "t.llm.replies.dialog", DRAFT.getId(),
                    DRAFT.getStep(), i, TurnStage.STAGE, DRAFT, 0);
            answers.add(results[i] instanceof String
                    ? StageFixtures.reply(request, null, (String) results[i])
                    : StageFixtures.reply(request, results[i], null));
        }
        return answers;
    }

    @Test
    void argumentsCompareAsJsonWhateverTheirKeyOrderAndSpacing() {
        assertThat(AssistantVote.canonical("{ \"b\": [1, {\"y\": 2, \"x\": 1}],\n \"a\": \"Lisbon\" }"))
                .isEqualTo(AssistantVote.canonical("{\"a\":\"Lisbon\",\"b\":[1,{\"x\":1,\"y\":2}]}"))
                .isEqualTo("{\"a\":\"Lisbon\",\"b\":[1,{\"x\":1,\"y\":2}]}");
        assertThat(AssistantVote.canonical("{\"a\":[1,2]}")).isNotEqualTo(AssistantVote.canonical("{\"a\":[2,1]}"));
        assertThat(AssistantVote.canonical("{\"a\":\"1\"}")).isNotEqualTo(AssistantVote.canonical("{\"a\":1}"));
    }

    @Test
    void argumentsThatAreNotJsonCompareAsWritten() {
        assertThat(AssistantVote.canonical("  city=Lisbon ")).isEqualTo("city=Lisbon");
        assertThat(AssistantVote.canonical("")).isEmpty();
        assertThat(AssistantVote.canonical("{\"a\":1} and more")).isNotEqualTo(AssistantVote.canonical("{\"a\":1}"));
    }

    @Test
    void callsCompareAsAMultisetOfNameAndArguments() {
        final FunctionCall lisbon = call("Get Hourly Forecast", "{\"city\":\"Lisbon\",\"hours\":3}");
        final FunctionCall lisbonReordered = call("Get Hourly Forecast", "{\"hours\": 3, \"city\": \"Lisbon\"}");
        final FunctionCall porto = call("Get Hourly Forecast", "{\"city\":\"Porto\",\"hours\":3}");

        assertThat(AssistantVote.callParts(calling(lisbon, porto)))
                .isEqualTo(AssistantVote.callParts(calling(porto, lisbonReordered)));
        assertThat(AssistantVote.callParts(calling(lisbon))).isNotEqualTo(AssistantVote.callParts(calling(porto)));
        assertThat(AssistantVote.callParts(calling(lisbon, lisbon)))
                .isNotEqualTo(AssistantVote.callParts(calling(lisbon)));
        assertThat(AssistantVote.callParts(calling(call("Get Daily Forecast", "{\"city\":\"Lisbon\",\"hours\":3}"))))
                .isNotEqualTo(AssistantVote.callParts(calling(lisbon)));
    }

    @Test
    void answersWithoutCallsAgreeOnWhetherTheyEndTheDialogNotOnTheirWording() {
        assertThat(AssistantVote.callParts(saying("Which city?", false)))
                .isEqualTo(AssistantVote.callParts(saying("For which city would you like it?", false)))
                .isEqualTo("no call");
        assertThat(AssistantVote.callParts(saying("It is 21 degrees.", true))).isEqualTo("no call, finished");
    }

    @Test
    void aStrictMajorityWinsAndTheLowestSampleOfItIsApplied() {
        final TurnResult lisbon = calling(call("Get Hourly Forecast", "{\"city\":\"Lisbon\"}"));
        final TurnResult lisbonAgain = calling(call("Get Hourly Forecast", "{ \"city\" : \"Lisbon\" }"));
        final TurnResult porto = calling(call("Get Hourly Forecast", "{\"city\":\"Porto\"}"));

        final AssistantVote.Decision decision = AssistantVote.decide(answers(porto, lisbonAgain, lisbon), DRAFT);

        assertThat(decision.agreed()).isTrue();
        assertThat(decision.winner().getRequest().getSampleIndex()).isEqualTo(1);
        assertThat(decision.winner().getResult()).isEqualTo(lisbonAgain);
        assertThat(decision.parts()).isEqualTo(
                "2x Get Hourly Forecast{\"city\":\"Lisbon\"} | 1x Get Hourly Forecast{\"city\":\"Porto\"}");
    }

    @Test
    void withoutAStrictMajorityNothingWins() {
        final TurnResult lisbon = calling(call("Get Hourly Forecast", "{\"city\":\"Lisbon\"}"));
        final TurnResult porto = calling(call("Get Hourly Forecast", "{\"city\":\"Porto\"}"));

        assertThat(AssistantVote.decide(answers(lisbon, porto, saying("Which city?", false)), DRAFT).agreed()).isFalse();
        assertThat(AssistantVote.decide(answers(lisbon, porto), DRAFT).agreed()).isFalse();
        assertThat(AssistantVote.decide(answers(lisbon, lisbon, porto, porto), DRAFT).agreed()).isFalse();
        assertThat(AssistantVote.decide(answers(lisbon, lisbon, porto, lisbon), DRAFT).agreed()).isTrue();
        assertThat(AssistantVote.decide(answers(lisbon), DRAFT).agreed()).isTrue();
    }

    @Test
    void aFailedOrMalformedAnswerAgreesWithNothing() {
        final TurnResult lisbon = calling(call("Get Hourly Forecast", "{\"city\":\"Lisbon\"}"));
        final TurnResult userTurn = TurnResult.newBuilder(saying("hi", false))
                .setTurn(Turn.newBuilder().setRole(Role.USER).setText("hi").build()).build();

        assertThat(AssistantVote.decide(answers(lisbon, "HTTP 503", lisbon), DRAFT).winner().getRequest()
                .getSampleIndex()).isZero();
        final AssistantVote.Decision failed = AssistantVote.decide(answers("HTTP 503", "HTTP 503", lisbon), DRAFT);
        assertThat(failed.agreed()).isFalse();
        assertThat(failed.parts()).isEqualTo("1x Get Hourly Forecast{\"city\":\"Lisbon\"} | 2x error: HTTP 503");
        assertThat(AssistantVote.decide(answers(userTurn, userTurn, lisbon), DRAFT).parts())
                .contains("2x bad answer: expected a ASSISTANT turn, got USER");
    }

    @Test
    void aLongCallPartIsShortenedInTheReason() {
        final String city = "x".repeat(200);
        final AssistantVote.Decision decision = AssistantVote.decide(answers(
                calling(call("Get Hourly Forecast", "{\"city\":\"" + city + "\"}")), "HTTP 503"), DRAFT);
        assertThat(decision.parts()).hasSizeLessThan(120).contains("...");
    }
}
