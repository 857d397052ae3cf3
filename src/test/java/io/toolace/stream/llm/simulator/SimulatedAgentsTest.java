package io.toolace.stream.llm.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.dlv.TypePromise;
import io.toolace.stream.dlv.VerifierRuleLayer;
import io.toolace.stream.evolution.DiversityIndicators;
import io.toolace.stream.llm.openai.OpenAiBackend;
import io.toolace.stream.llm.openai.OpenAiEndpoint;
import io.toolace.stream.llm.procedural.tss.ApiForge;
import io.toolace.stream.llm.procedural.tss.BuiltinSeeds;
import io.toolace.stream.llm.procedural.tss.Speciator;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiGenerationInput;
import io.toolace.stream.records.ApiGenerationResult;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.NodeLevel;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import io.toolace.stream.records.SpeciationResult;
import io.toolace.stream.records.Turn;
import io.toolace.stream.records.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulator as every agent: the openai backend sends its real prompts to it and must parse every
 * answer, and the dialogs it plays must pass the verifier's rule layer, so a pipeline run against it
 * produces verified samples.
 */
class SimulatedAgentsTest {

    private static LlmSimulator simulator;
    private static OpenAiBackend backend;

    private static final ApiDefinition FIND_PAYMENT = tool("find_payment",
            "Finds a customer's most recent payment by the email address it was made with.",
            "{\"type\":\"object\",\"properties\":{\"customer_email\":{\"type\":\"string\",\"format\":\"email\","
                    + "\"description\":\"The payer's email address.\"},\"status\":{\"type\":\"string\","
                    + "\"enum\":[\"succeeded\",\"refunded\"],\"description\":\"Only payments in this status.\"}},"
                    + "\"required\":[\"customer_email\"]}",
            "{\"type\":\"object\",\"properties\":{\"payment_id\":{\"type\":\"string\",\"description\":\"Id.\"},"
                    + "\"amount\":{\"type\":\"integer\",\"description\":\"In cents.\"},\"currency\":{\"type\":\"string\","
                    + "\"description\":\"ISO code.\"}}}");
    private static final ApiDefinition REFUND_PAYMENT = tool("refund_payment", "Refunds a payment in full or in part.",
            "{\"type\":\"object\",\"properties\":{\"payment_id\":{\"type\":\"string\",\"description\":\"Payment to refund.\"},"
                    + "\"amount\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"Amount in cents.\"}},"
                    + "\"required\":[\"payment_id\"]}",
            "{\"type\":\"object\",\"properties\":{\"refund_id\":{\"type\":\"string\",\"description\":\"Id.\"},"
                    + "\"status\":{\"type\":\"string\",\"enum\":[\"pending\",\"succeeded\"],\"description\":\"State.\"}}}");
    private static final List<ApiDefinition> PAYMENT_TOOLS = List.of(FIND_PAYMENT, REFUND_PAYMENT);

    @BeforeAll
    static void start() {
        simulator = LlmSimulator.start(SimulatorSettings.builder().latency(Latency.fixed(0)).build());
        backend = new OpenAiBackend(OpenAiEndpoint.of(simulator.baseUrl(), "sim")
                .withRequestTimeout(Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        backend.close();
        simulator.close();
    }

    @Test
    void speciationMinesTheDocumentEmbeddedInThePrompt() throws Exception {
        // Given a merchant manual with sections and endpoint bullets
        final SeedDocument manual = SeedDocument.newBuilder().setId("seed-pay").setTitle("Acme Pay Merchant Manual")
                .setKind(SeedKind.MARKDOWN).setText("""
                        # Acme Pay Merchant Manual

                        ## Payments
                        - create a payment for an amount and currency
                        - capture an authorised payment
                        - list payments, filtered by status and date

                        ## Refunds
                        - refund a payment
                        - get the status of a refund
                        """).build();

        // When
        final SpeciationResult result = (SpeciationResult) Dialogs.answer(backend, AgentTask.EXTRACT_DOMAINS, manual, 0)
                .getResult();

        // Then the tree has the document's sections and their functionalities, under the document's seed id
        assertThat(result.getNodes()).extracting(ContextNode::getLevel).contains(NodeLevel.DOMAIN, NodeLevel.SUBDOMAIN,
                NodeLevel.FUNCTIONALITY);
        assertThat(result.getNodes()).extracting(ContextNode::getName).contains("Payments", "Refunds");
        assertThat(result.getNodes()).allMatch(n -> n.getSeedId().equals("seed-pay"));
    }

    @Test
    void generateApiWritesANewApiForTheSubtreeUnderTheIndicators() throws Exception {
        // Given a subtree of two functionalities, an example and two indicators
        final ApiGenerationInput input = ApiGenerationInput.newBuilder()
                .setSubtree(List.of(node("Finance"), node("Finance", "Payments"),
                        node("Finance", "Payments", "create a payment"), node("Finance", "Payments", "capture a payment")))
                .setExample(REFUND_PAYMENT)
                .setDiversity(List.of("ADD_CONSTRAINTS", "MUTATE_TYPES"))
                .setGeneration(1)
                .build();

        // When
        final ApiGenerationResult result = (ApiGenerationResult) Dialogs.answer(backend, AgentTask.GENERATE_API, input, 0)
                .getResult();

        // Then one API, not the example, covering the subtree's functionalities, with an object schema
        final ApiDefinition api = result.getApis().get(0);
        assertThat(api.getName()).isNotEqualToIgnoringCase(REFUND_PAYMENT.getName());
        assertThat(api.getFunctionalities()).containsExactly("finance/payments/create a payment",
                "finance/payments/capture a payment");
        assertThat(api.getParameters()).contains("\"type\":\"object\"", "\"properties\"");
        assertThat(api.getDiversity()).containsExactly("ADD_CONSTRAINTS", "MUTATE_TYPES");
    }

    @ParameterizedTest
    @EnumSource(DialogType.class)
    void everyDialogTypeRunsToTheEndAndPassesTheRuleLayer(final DialogType type) throws Exception {
        // When the user, assistant and tool agents play a two-request dialog over the payment tools
        final Sample sample = Dialogs.run(backend, "pay-" + type, type, 2, PAYMENT_TOOLS);

        // Then it ends on the assistant, calls only listed tools, and breaks no rule
        assertThat(sample.getTurns().get(sample.getTurns().size() - 1).getRole()).isEqualTo(Role.ASSISTANT);
        assertThat(failed(sample)).as("rule findings of %s", sample.getTurns()).isEmpty();
        final long callTurns = sample.getTurns().stream().filter(t -> !t.getCalls().isEmpty()).count();
        assertThat(callTurns).isEqualTo(switch (type) {
            case NON_TOOL -> 0;
            case DEPENDENT -> 4;
            default -> 2;
        });
    }

    @Test
    void aDependentSecondCallTakesItsIdentifierFromTheFirstResult() throws Exception {
        // When
        final Sample sample = Dialogs.run(backend, "pay-dependent", DialogType.DEPENDENT, 1, PAYMENT_TOOLS);

        // Then the refund names the payment id that find_payment returned
        final List<Turn> turns = sample.getTurns();
        assertThat(turns.get(3).getCalls().get(0).getName()).isEqualTo("refund_payment");
        final String paymentId = turns.get(2).getResults().get(0).getResults().replaceAll(".*\"payment_id\":(\"[^\"]*\").*", "$1");
        assertThat(turns.get(3).getCalls().get(0).getArguments()).contains("\"payment_id\":" + paymentId);
        assertThat(turns.get(3).getThinking()).contains("required: payment_id <- result of find_payment");
    }

    @Test
    void dialogsOverForgedApisPassTheRuleLayer() throws Exception {
        // Given APIs the procedural forge writes from the built-in corpus, plain and under every indicator
        final List<ApiDefinition> apis = forgedApis(8);
        int passed = 0;
        final List<String> failures = new ArrayList<>();
        final DialogType[] types = {DialogType.SINGLE, DialogType.PARALLEL, DialogType.DEPENDENT, DialogType.CLARIFY};

        // When each pair of them serves a dialog
        for (int i = 0; i + 1 < apis.size(); i += 2) {
            final DialogType type = types[(i / 2) % types.length];
            final Sample sample = Dialogs.run(backend, "forged-" + i, type, 2, List.of(apis.get(i), apis.get(i + 1)));
            final List<Verdict> findings = failed(sample);
            if (findings.isEmpty()) {
                passed++;
            } else {
                failures.add(type + ": " + findings);
            }
        }

        // Then every dialog is rule-clean
        assertThat(failures).isEmpty();
        assertThat(passed).isEqualTo(apis.size() / 2);
    }

    @Test
    void dialogsOverForgedApisKeepTheirTypesPromiseExceptADependentOneWithoutALink() throws Exception {
        final List<ApiDefinition> apis = forgedApis(8);
        final DialogType[] types = {DialogType.SINGLE, DialogType.PARALLEL, DialogType.CLARIFY, DialogType.DEPENDENT};
        final List<String> unkept = new ArrayList<>();

        for (int i = 0; i + 1 < apis.size(); i += 2) {
            final DialogType type = types[(i / 2) % types.length];
            final Sample sample = Dialogs.run(backend, "typed-" + i, type, 2, List.of(apis.get(i), apis.get(i + 1)));
            final Verdict broken = TypePromise.broken(sample);
            if (broken != null) {
                unkept.add(type + ": " + broken.getMessage());
            }
        }

        // The simulated user writes a dependent request even when no field of the first API's result feeds the
        // second (the procedural backend refuses such a pair): the rule layer rejects those as DIALOG_TYPE_UNKEPT.
        assertThat(unkept).allSatisfy(message -> assertThat(message).startsWith("DEPENDENT: "));
    }

    @ParameterizedTest
    @EnumSource(value = AgentTask.class, names = "JUDGE_.*", mode = EnumSource.Mode.MATCH_ALL)
    void judgesPass(final AgentTask judge) throws Exception {
        // Given a finished dialog
        final Sample sample = Dialogs.run(backend, "pay-judged", DialogType.SINGLE, 1, PAYMENT_TOOLS);

        // When
        final JudgeResult verdict = (JudgeResult) Dialogs.answer(backend, judge, sample, 0).getResult();

        // Then
        assertThat(verdict.getPassed()).isTrue();
    }

    /** What the verifier's rules find; whether the dialog keeps its type's promise is tested apart. */
    private static List<Verdict> failed(final Sample sample) {
        return new VerifierRuleLayer().check(sample).stream()
                .filter(v -> !v.getPassed() && !v.getRule().equals(TypePromise.RULE)).toList();
    }

    private static List<ApiDefinition> forgedApis(final int count) {
        final Speciator speciator = new Speciator();
        final ApiForge forge = new ApiForge();
        final SplittableRandom rnd = new SplittableRandom(7);
        final List<ApiDefinition> apis = new ArrayList<>();
        for (final SeedDocument doc : BuiltinSeeds.corpus()) {
            if (apis.size() >= count) {
                break;
            }
            final List<ContextNode> nodes = speciator.speciate(doc).nodes();
            for (final ContextNode node : nodes) {
                if (node.getLevel() != NodeLevel.FUNCTIONALITY) {
                    continue;
                }
                final List<String> indicators = apis.size() % 2 == 0 ? List.of() : DiversityIndicators.ALL;
                apis.add(forge.generate(ApiGenerationInput.newBuilder()
                        .setSubtree(List.of(nodes.get(0), node)).setDiversity(indicators).build(), rnd).getApis().get(0));
                break;
            }
        }
        return apis;
    }

    private static ContextNode node(final String... path) {
        final List<String> names = List.of(path);
        final NodeLevel level = NodeLevel.values()[names.size() - 1];
        return ContextNode.newBuilder()
                .setId(String.join("/", names).toLowerCase())
                .setParentId(names.size() == 1 ? null : String.join("/", names.subList(0, names.size() - 1)).toLowerCase())
                .setLevel(level)
                .setName(path[path.length - 1])
                .setDescription("")
                .setPath(names)
                .build();
    }

    private static ApiDefinition tool(final String name, final String description, final String parameters,
            final String response) {
        return ApiDefinition.newBuilder()
                .setId("api-" + name)
                .setName(name)
                .setDescription(description)
                .setDomain("Finance")
                .setSubdomain("Payments")
                .setParameters(parameters)
                .setResponse(response)
                .setLineage(Lineage.newBuilder().build())
                .build();
    }
}
