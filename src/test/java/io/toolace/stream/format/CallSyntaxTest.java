package io.toolace.stream.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CallSyntaxTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void parsesTheIssueExample() throws Exception {
        final List<FunctionCall> calls = CallSyntax.parse("[Get Weather(city=\"Paris\"), pkg.func(a=[1, 2], b={\"k\": True}), f()]");

        assertThat(calls).extracting(FunctionCall::name).containsExactly("Get Weather", "pkg.func", "f");
        assertThat(calls.get(0).arguments()).isEqualTo(json("{\"city\": \"Paris\"}"));
        assertThat(calls.get(1).arguments()).isEqualTo(json("{\"a\": [1, 2], \"b\": {\"k\": true}}"));
        assertThat(calls.get(2).arguments()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Get Manager Placeholder Image", "products/list", "Heikin-Ashi Candles", "/v1/cocktail",
        "User Feed (Video Posts) V2", "Countries All (min)", "Get Games by Platform, Category, and Sorted",
        "Search Strong's Number API", "M4.5+ Earthquakes, Past 7 Days", "Convertir cantidad a letra Moneda MXN Español"})
    void readsToolAceNames(final String name) throws Exception {
        assertThat(CallSyntax.isCallableName(name)).isTrue();

        final List<FunctionCall> calls = CallSyntax.parse("[" + name + "(x=1), " + name + "()]");

        assertThat(calls).extracting(FunctionCall::name).containsExactly(name, name);
        assertThat(calls.get(0).arguments().get("x").intValue()).isEqualTo(1);
    }

    @Test
    void readsPythonLiterals() throws Exception {
        final FunctionCall call = CallSyntax.parse("[f(a='it\\'s', b=\"tab\\there\", c=-3, d=2.5e-3, e=-0.5, f=None, "
                + "g=False, h=(1, 2), i={'k': [1, {'n': null}]}, j=2025.0, k=12345678901, l=123456789012345678901234, "
                + "m=\"\\u00e9\\x41\\U0001F600\", n=true, o=.5, p=+7)]").get(0);

        final JsonNode a = call.arguments();
        assertThat(a.get("a").textValue()).isEqualTo("it's");
        assertThat(a.get("b").textValue()).isEqualTo("tab\there");
        assertThat(a.get("c").isInt()).isTrue();
        assertThat(a.get("c").intValue()).isEqualTo(-3);
        assertThat(a.get("d").doubleValue()).isEqualTo(0.0025);
        assertThat(a.get("e").doubleValue()).isEqualTo(-0.5);
        assertThat(a.get("f").isNull()).isTrue();
        assertThat(a.get("g").booleanValue()).isFalse();
        assertThat(a.get("h")).isEqualTo(json("[1, 2]"));
        assertThat(a.get("i")).isEqualTo(json("{\"k\": [1, {\"n\": null}]}"));
        assertThat(a.get("j").isDouble()).as("2025.0 stays a float").isTrue();
        assertThat(a.get("k").isLong()).isTrue();
        assertThat(a.get("l").isBigInteger()).isTrue();
        assertThat(a.get("m").textValue()).isEqualTo("éA\uD83D\uDE00");
        assertThat(a.get("n").booleanValue()).isTrue();
        assertThat(a.get("o").doubleValue()).isEqualTo(0.5);
        assertThat(a.get("p").intValue()).isEqualTo(7);
    }

    @Test
    void acceptsWhitespaceAndTrailingCommas() throws Exception {
        final List<FunctionCall> calls = CallSyntax.parse("  [ f ( a = 1 , ) ,\n g(b=[1,],) , ]  ");

        assertThat(calls).extracting(FunctionCall::name).containsExactly("f", "g");
        assertThat(calls.get(1).arguments()).isEqualTo(json("{\"b\": [1]}"));
    }

    @Test
    void parsesTheEmptyList() throws Exception {
        assertThat(CallSyntax.parse("[]")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[f(a=1)                | 7  | expected ',' or ']'",
        "f(a=1)                 | 0  | expected '[' to open the call list",
        "[f(a=1) g()]           | 8  | expected ',' or ']' after a call",
        "[f(a=)]                | 5  | expected a value",
        "[f(a=Paris)]           | 5  | bare word 'Paris'",
        "[f(a=\"x)]             | 5  | unterminated string",
        "[f(a=1, a=2)]          | 8  | given twice",
        "[f(a=01)]              | 5  | leading zero",
        "[f(a=1.2.3)]           | 8  | expected ',' or ')'",
        "[f(a=[1, 2)]           | 10 | expected ',' or ']'",
        "[f(a={'k' 1})]         | 10 | ':' after a dict key",
        "[f(a={[1]: 2})]        | 6  | dict keys must be",
        "[f]                    | 2  | function name without an argument list",
        "[(a=1)]                | 1  | expected a function name",
        "[f(a=1)] trailing      | 9  | unexpected text after the call list",
        "[, f()]                | 1  | expected a function name but found ','",
        // Found by fuzzing: an infinite float parsed, then could not be printed or written as JSON.
        "[f(a=1e999)]           | 5  | beyond the range of a double",
        "[f(a=[-1.8e309])]      | 6  | beyond the range of a double",
    })
    void reportsWhereAndWhyParsingStopped(final String text, final int position, final String reason) {
        assertThatThrownBy(() -> CallSyntax.parse(text))
                .isInstanceOf(CallParseException.class)
                .hasMessageContaining(reason)
                .extracting(e -> ((CallParseException) e).position()).isEqualTo(position);
    }

    @Test
    void rejectsALineBreakInsideAString() {
        assertThatThrownBy(() -> CallSyntax.parse("[f(a=\"one\ntwo\")]"))
                .isInstanceOf(CallParseException.class).hasMessageContaining("line break");
    }

    @Test
    void rejectsHostileNesting() {
        final String deep = "[f(a=" + "[".repeat(10_000) + "]".repeat(10_000) + ")]";

        assertThatThrownBy(() -> CallSyntax.parse(deep)).isInstanceOf(CallParseException.class).hasMessageContaining("nested deeper");
    }

    @Test
    void printsPythonLiteralsThatReadBack() throws Exception {
        final List<FunctionCall> calls = List.of(
                new FunctionCall("Get Weather", (ObjectNode) json(
                        "{\"city\": \"Par\\\"is\\n\", \"n\": 3, \"x\": 2.0, \"ok\": true, \"none\": null, \"l\": [1, {\"k\": \"v\"}]}")),
                new FunctionCall("f", JSON.createObjectNode()));

        final String printed = CallSyntax.print(calls);

        assertThat(printed).isEqualTo("[Get Weather(city=\"Par\\\"is\\n\", n=3, x=2.0, ok=True, none=None, l=[1, {\"k\": \"v\"}]), f()]");
        assertThat(CallSyntax.parse(printed)).isEqualTo(calls);
    }

    @Test
    void refusesToPrintWhatCannotReadBack() {
        final var args = JSON.createObjectNode();
        assertThatThrownBy(() -> CallSyntax.print(List.of(new FunctionCall("f(x=1)", args))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("function name");
        assertThatThrownBy(() -> CallSyntax.print(List.of(new FunctionCall("f", JSON.createObjectNode().put("a b", 1)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("argument name");
        assertThatThrownBy(() -> CallSyntax.print(List.of(new FunctionCall("f", JSON.createObjectNode().put("a", Double.NaN)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " f", "f ", "a[b]", "tab\there", ", f", "f(a=1)", "f()", "g( )"})
    void namesTheSyntaxCannotExpress(final String name) {
        assertThat(CallSyntax.isCallableName(name)).isFalse();
    }

    @Test
    void findsACallListInsideProse() {
        final String text = "See [1] and [the docs]. Here you go: [Get Weather(city=\"Paris\")] Done.";

        final CallSyntax.Located found = CallSyntax.find(text).orElseThrow();

        assertThat(found.calls()).extracting(FunctionCall::name).containsExactly("Get Weather");
        assertThat(text.substring(found.start(), found.end())).isEqualTo("[Get Weather(city=\"Paris\")]");
        assertThat(CallSyntax.find("Nothing to call here [really].")).isEmpty();
    }

    @Test
    void tellsABrokenCallListFromBracketedProse() {
        assertThat(CallSyntax.looksLikeCallList(" [Get Weather(city=")).isTrue();
        assertThat(CallSyntax.looksLikeCallList("[f(")).isTrue();
        assertThat(CallSyntax.looksLikeCallList("[1] First point")).isFalse();
        assertThat(CallSyntax.looksLikeCallList("Plain text (with parentheses)")).isFalse();
    }

    private static JsonNode json(final String text) throws Exception {
        return JSON.readTree(text);
    }
}
