package io.toolace.stream.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** Print-parse round trips, and a parser that fails only with its own exception, on any input. */
@AddLifecycleHook(FuzzBudget.class)
class CallSyntaxPropertiesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Property(tries = 500)
    void printedCallsParseBackToTheSameCalls(@ForAll("callLists") final List<FunctionCall> calls) throws CallParseException {
        assertThat(CallSyntax.parse(CallSyntax.print(calls))).isEqualTo(calls);
    }

    @Property(tries = 500)
    void truncatedCallListsFailWithAPosition(@ForAll("callLists") final List<FunctionCall> calls, @ForAll @IntRange(max = 10_000) final int cut) {
        final String printed = CallSyntax.print(calls);
        final String truncated = printed.substring(0, cut % printed.length());

        assertParsesOrFailsCleanly(truncated);
    }

    @Property(tries = 500)
    void mutatedCallListsFailWithAPosition(@ForAll("callLists") final List<FunctionCall> calls,
            @ForAll @IntRange(max = 10_000) final int at, @ForAll("syntaxChars") final char replacement) {
        final String printed = CallSyntax.print(calls);
        final int i = at % printed.length();

        assertParsesOrFailsCleanly(printed.substring(0, i) + replacement + printed.substring(i + 1));
    }

    @Property(tries = 1000)
    void randomTextFailsWithAPosition(@ForAll("callishText") final String text) {
        assertParsesOrFailsCleanly(text);
        CallSyntax.find(text);
        CallSyntax.looksLikeCallList(text);
    }

    /**
     * Real call lists (ToolACE's own, BFCL's answers as printed), damaged: the parser returns calls or
     * its own exception with a position, the same each time; calls it returns print back to themselves,
     * and a list found inside the text is the list its span parses to.
     */
    @Property(tries = 2000)
    void mutatedCorpusCallListsParseOrFailWithAPosition(@ForAll("corpusCallLists") final String callList,
            @ForAll("textEdits") final List<Mutations.TextEdit> edits) throws CallParseException {
        final String text = Mutations.apply(callList, edits);

        final Object outcome = assertParsesOrFailsCleanly(text);

        assertThat(assertParsesOrFailsCleanly(text)).isEqualTo(outcome);
        if (outcome instanceof List<?>) {
            @SuppressWarnings("unchecked")
            final List<FunctionCall> calls = (List<FunctionCall>) outcome;
            assertThat(CallSyntax.parse(CallSyntax.print(calls))).isEqualTo(calls);
        }
        final Optional<CallSyntax.Located> found = CallSyntax.find(text);
        if (found.isPresent()) {
            assertThat(CallSyntax.parse(text.substring(found.get().start(), found.get().end()))).isEqualTo(found.get().calls());
        }
        CallSyntax.looksLikeCallList(text);
    }

    private record ParseError(int position, String reason) {}

    /** The parsed calls, or the parse error. */
    private static Object assertParsesOrFailsCleanly(final String text) {
        try {
            return CallSyntax.parse(text);
        } catch (final CallParseException e) {
            assertThat(e.position()).isBetween(0, text.length());
            assertThat(e.reason()).isNotBlank();
            return new ParseError(e.position(), e.reason());
        }
    }

    @Provide
    Arbitrary<String> corpusCallLists() {
        return Arbitraries.of(FuzzCorpus.callLists());
    }

    @Provide
    Arbitrary<List<Mutations.TextEdit>> textEdits() {
        return Mutations.textEdits();
    }

    @Provide
    Arbitrary<List<FunctionCall>> callLists() {
        final Arbitrary<String> names = Arbitraries.strings().withChars("abcXYZ019 ._/-()',+&é").ofMinLength(1).ofMaxLength(16)
                .filter(CallSyntax::isCallableName);
        final Arbitrary<String> keys = Arbitraries.strings().withChars("abcxyz_-$09").ofMinLength(1).ofMaxLength(8);
        final Arbitrary<ObjectNode> arguments = Combinators.combine(keys.list().ofMaxSize(4), values(3).list().ofMaxSize(4))
                .as((k, v) -> {
                    final ObjectNode args = NODES.objectNode();
                    for (int i = 0; i < Math.min(k.size(), v.size()); i++) {
                        args.set(k.get(i), v.get(i));
                    }
                    return args;
                });
        return Combinators.combine(names, arguments).as(FunctionCall::new).list().ofMaxSize(4);
    }

    /** JSON values in the canonical node types the parser produces: the smallest integer node, doubles for floats. */
    private Arbitrary<JsonNode> values(final int depth) {
        final Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
                Arbitraries.just(NODES.nullNode()),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.longs().map(CallSyntaxPropertiesTest::integerNode),
                Arbitraries.bigIntegers().between(BigInteger.ONE.shiftLeft(63).add(BigInteger.ONE), BigInteger.ONE.shiftLeft(90))
                        .map(b -> (JsonNode) NODES.numberNode(b.negate())),
                Arbitraries.doubles().filter(Double::isFinite).map(d -> (JsonNode) NODES.numberNode(d)),
                Arbitraries.strings().all().ofMaxLength(12).map(NODES::textNode),
                Arbitraries.strings().withChars("\"'\\\n\r\t\u0000\u007f{}[](),=: ").ofMaxLength(8).map(NODES::textNode));
        if (depth == 0) {
            return scalars;
        }
        final Arbitrary<JsonNode> lists = values(depth - 1).list().ofMaxSize(3).map(items -> {
            final var array = NODES.arrayNode();
            items.forEach(array::add);
            return array;
        });
        final Arbitrary<JsonNode> dicts = Combinators.combine(Arbitraries.strings().all().ofMaxLength(6).list().ofMaxSize(3),
                values(depth - 1).list().ofMaxSize(3)).as((k, v) -> {
                    final ObjectNode dict = NODES.objectNode();
                    for (int i = 0; i < Math.min(k.size(), v.size()); i++) {
                        dict.set(k.get(i), v.get(i));
                    }
                    return dict;
                });
        return Arbitraries.frequencyOf(Tuple.of(4, scalars), Tuple.of(1, lists), Tuple.of(1, dicts));
    }

    private static JsonNode integerNode(final long v) {
        return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }

    @Provide
    Arbitrary<Character> syntaxChars() {
        return Arbitraries.of('[', ']', '(', ')', '{', '}', ',', '=', ':', '"', '\'', '\\', ' ', '\n', '-', '.', 'e', 'T', '0');
    }

    /** Text built from the syntax's own characters, so random input reaches deep into the parser. */
    @Provide
    Arbitrary<String> callishText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("[](){},=:\"'\\ \n-+.eE0129aTrueFalsNonx_u").ofMaxLength(60),
                Arbitraries.strings().withChars("[](){},=:\"'\\ \n-+.eE0129aTrueFalsNonx_u").ofMaxLength(60).map(s -> "[f(" + s),
                Arbitraries.strings().all().ofMaxLength(40));
    }
}
