package io.toolace.stream.dlv;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.StageFixtures;
import io.toolace.stream.dialog.Samples;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypePromiseTest {

    private static Turn user(final String text) {
        return new Turn(Role.USER, text, List.of(), List.of(), List.of());
    }

    private static Turn assistant(final String text, final FunctionCall... calls) {
        return new Turn(Role.ASSISTANT, text, List.of(calls), List.of(), List.of());
    }

    private static Turn tool(final String name, final String results) {
        return new Turn(Role.TOOL, null, List.of(), List.of(new ToolResult(name, results)), List.of());
    }

    private static FunctionCall call(final String name, final String arguments) {
        return new FunctionCall(name, arguments);
    }

    private static Sample sample(final DialogType type, final Turn... turns) {
        return Sample.newBuilder(Samples.fromDraft(DialogDraft.newBuilder(StageFixtures.draft("d0-1", 0))
                .setTurns(List.of(turns)).build())).setDialogType(type).build();
    }

    @Test
    void aDependentDialogKeepsItsPromiseOnlyWhenALaterCallTakesAValueOfAnEarlierResult() {
        final Turn ask = user("Find my order, then track its parcel.");
        final Turn find = assistant(null, call("find_order", "{\"customer\":\"C-1\"}"));
        final Turn found = tool("find_order", "{\"order\":{\"parcel\":\"P-778\"}}");

        assertThat(TypePromise.broken(sample(DialogType.DEPENDENT, ask, find, found,
                assistant(null, call("track_parcel", "{\"parcel\":\"P-778\"}"))))).isNull();
        assertThat(TypePromise.broken(sample(DialogType.DEPENDENT, ask, find, found,
                assistant(null, call("track_parcel", "{\"parcel\":\"P-1\"}")))))
                .satisfies(v -> {
                    assertThat(v.getRule()).isEqualTo(TypePromise.RULE);
                    assertThat(v.getPassed()).isFalse();
                    assertThat(v.getMessage()).isEqualTo(
                            "DEPENDENT dialog has no call that uses a value of an earlier tool result");
                });
    }

    @Test
    void parallelNeedsTwoCallsInOneTurnAndNonToolNone() {
        final Turn ask = user("Weather in Lisbon and Porto?");
        final FunctionCall lisbon = call("get_weather", "{\"city\":\"Lisbon\"}");
        final FunctionCall porto = call("get_weather", "{\"city\":\"Porto\"}");

        assertThat(TypePromise.broken(sample(DialogType.PARALLEL, ask, assistant(null, lisbon, porto)))).isNull();
        assertThat(TypePromise.broken(sample(DialogType.PARALLEL, ask, assistant(null, lisbon),
                tool("get_weather", "{}"), assistant(null, porto)))).isNotNull();
        assertThat(TypePromise.broken(sample(DialogType.NON_TOOL, ask, assistant("I cannot look that up.")))).isNull();
        assertThat(TypePromise.broken(sample(DialogType.NON_TOOL, ask, assistant(null, lisbon))).getMessage())
                .isEqualTo("NON_TOOL dialog calls a tool");
    }

    @Test
    void clarifyNeedsTheQuestionAndTheUsersAnswerBeforeTheCall() {
        final Turn ask = user("Book me a table.");
        final Turn question = assistant("For how many people, and where?");
        final Turn answer = user("Four, in Faro.");
        final Turn book = assistant(null, call("book_table", "{\"people\":4,\"city\":\"Faro\"}"));

        assertThat(TypePromise.broken(sample(DialogType.CLARIFY, ask, question, answer, book))).isNull();
        assertThat(TypePromise.broken(sample(DialogType.CLARIFY, ask, book)).getMessage())
                .isEqualTo("CLARIFY dialog has no assistant question before its first call");
        assertThat(TypePromise.broken(sample(DialogType.SINGLE, ask, question, answer, book))).isNull();
        assertThat(TypePromise.broken(sample(DialogType.SINGLE, ask, question)).getMessage())
                .isEqualTo("SINGLE dialog calls no tool");
    }
}
