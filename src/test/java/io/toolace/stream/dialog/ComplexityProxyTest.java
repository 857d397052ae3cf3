package io.toolace.stream.dialog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.format.ToolSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ComplexityProxyTest {

    private static final ComplexityProxy PROXY = new ComplexityProxy();
    private static final ToolSpec FORECAST = tool("get_hourly_forecast", "Hourly weather forecast for a city.");
    private static final ToolSpec STOCKS = tool("getStockQuote", "Latest quote of a stock ticker.");
    private static final ToolSpec FLIGHTS = tool("search_flights", "Flights between two airports on a date.");

    private static ToolSpec tool(final String name, final String description) {
        return new ToolSpec(name, description, JsonNodeFactory.instance.objectNode(), null);
    }

    private static ToolSample sample(final List<ToolSpec> tools, final String request, final String... calls) {
        final List<FunctionCall> made = new ArrayList<>();
        for (final String call : calls) {
            made.add(new FunctionCall(call, JsonNodeFactory.instance.objectNode()));
        }
        final List<Message> messages = new ArrayList<>(List.of(Message.user(request)));
        messages.add(made.isEmpty() ? Message.assistant("Here you go.") : Message.calls(made));
        return new ToolSample("s", null, tools, messages);
    }

    @Test
    void moreCandidateApisScoreHigher() {
        final String request = "Get the hourly forecast for Lisbon";
        assertThat(PROXY.complexity(sample(List.of(FORECAST, STOCKS, FLIGHTS), request, "get_hourly_forecast")))
                .isGreaterThan(PROXY.complexity(sample(List.of(FORECAST), request, "get_hourly_forecast")));
    }

    @Test
    void moreCallsScoreHigher() {
        final List<ToolSpec> tools = List.of(FORECAST, STOCKS);
        final String request = "Hourly forecast for Lisbon and Porto";
        assertThat(PROXY.complexity(sample(tools, request, "get_hourly_forecast", "get_hourly_forecast")))
                .isGreaterThan(PROXY.complexity(sample(tools, request, "get_hourly_forecast")));
    }

    @Test
    void aRequestInItsOwnWordsScoresHigherThanOneRepeatingTheApi() {
        final List<ToolSpec> tools = List.of(FORECAST, STOCKS);
        final double literal = PROXY.complexity(sample(tools, "Get the hourly weather forecast for the city of Lisbon",
                "get_hourly_forecast"));
        final double indirect = PROXY.complexity(sample(tools, "Should I pack an umbrella for Lisbon this afternoon?",
                "get_hourly_forecast"));
        assertThat(indirect).isGreaterThan(literal);
    }

    @Test
    void scoresStayWithinZeroAndOne() {
        final List<ToolSpec> many = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(tool("tool_" + i, "Does thing " + i));
            calls.add("tool_" + i);
        }
        assertThat(PROXY.complexity(new ToolSample("empty", null, List.of(), List.of()))).isZero();
        assertThat(PROXY.complexity(sample(many, "zzz qqq", calls.toArray(String[]::new))))
                .isBetween(0.0, 1.0).isGreaterThan(0.9);
        assertThat(PROXY.complexity(sample(List.of(FORECAST), "get hourly forecast", "get_hourly_forecast")))
                .isBetween(0.0, 1.0).isLessThan(0.2);
    }

    @Test
    void aDialogWithoutCallsIsComparedWithEveryCandidate() {
        final double unrelated = PROXY.complexity(sample(List.of(FORECAST, STOCKS), "Tell me a joke about cats"));
        final double nearATool = PROXY.complexity(sample(List.of(FORECAST, STOCKS), "What is a stock ticker?"));
        assertThat(unrelated).isGreaterThan(nearATool);
    }

    @Test
    void wordsSplitNamesAndDropPluralsAndFillers() {
        final Set<String> words = new HashSet<>();
        ComplexityProxy.words("getStockQuotes for_the tickers", words);
        assertThat(words).containsExactlyInAnyOrder("get", "stock", "quote", "ticker");
    }

    @Test
    void wordsAreTheWordsOfTheRegularExpressionsTheyReplace() {
        // Given texts of letters of every case (titlecase, one outside the BMP), numbers, marks and punctuation
        final String[] pieces = {"a", "b", "Q", "Z", "é", "É", "ǅ", "\uD835\uDC00", "東", "7", "²", "Ⅻ",
            "\u0301", "_", " ", "-", ".", "s", "ss", "the", "Tickers", "getX"};
        final Random random = new Random(20261126L);
        for (int n = 0; n < 5_000; n++) {
            final StringBuilder text = new StringBuilder();
            for (int p = random.nextInt(12); p > 0; p--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            // Then the hand-written split finds what the regular expressions found
            final Set<String> words = new HashSet<>();
            ComplexityProxy.words(text.toString(), words);
            assertThat(words).as("words of \"%s\"", text).isEqualTo(regexWords(text.toString()));
        }
        // Except where a lower-case letter outside the BMP meets an upper-case one: the regular expression's
        // look-behind saw half of the letter there, and did not break.
        final Set<String> words = new HashSet<>();
        ComplexityProxy.words("x\uD835\uDC1ATicker", words);
        assertThat(words).containsExactlyInAnyOrder("x\uD835\uDC1A", "ticker");
        assertThat(regexWords("x\uD835\uDC1ATicker")).containsExactly("x\uD835\uDC1Aticker");
    }

    /** The split as it was written with regular expressions, the oracle of the hand-written one. */
    private static Set<String> regexWords(final String text) {
        final Set<String> into = new HashSet<>();
        final String spaced = Pattern.compile("(?<=\\p{Ll})(?=\\p{Lu})").matcher(text).replaceAll(" ");
        for (final String raw : Pattern.compile("[^\\p{L}\\p{N}]+").split(spaced)) {
            final String word = raw.toLowerCase(Locale.ROOT);
            if (word.length() > 1 && !ComplexityProxy.STOPWORDS.contains(word)) {
                into.add(word.length() > 3 && word.endsWith("s") && !word.endsWith("ss")
                        ? word.substring(0, word.length() - 1) : word);
            }
        }
        return into;
    }
}
