package io.toolace.stream.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.toolace.stream.dialog.ToolSamples;
import io.toolace.stream.llm.procedural.tss.Speciator;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.ContextNode;
import io.toolace.stream.records.NodeLevel;
import io.toolace.stream.records.SeedKind;
import io.toolace.stream.verify.ApiRules;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** OpenAPI 3 and Swagger 2 specs as seed documents and real APIs, on small realistic specs. */
class OpenApiImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPetstoreSpecGivesOneRealApiPerOperation() {
        // Given the petstore spec (OpenAPI 3.0 YAML with $refs, a request body, path-level parameters)
        // When it is imported
        final ImportResult.Imported petstore = imported(OpenApiImport.read(resource("petstore-openapi3.yaml")));

        // Then each operation is a real API named after its operationId, else its summary
        assertThat(petstore.apis()).extracting(ApiDefinition::getName).containsExactly(
                "listPets", "createPet", "showPetById", "Delete a pet", "getInventory", "Place an order for a pet", "health");
        final String seedId = petstore.seed().getId();
        assertThat(petstore.apis()).allSatisfy(api -> {
            assertThat(ApiRules.check(ToolSamples.toolSpec(api))).as(api.getName()).isEmpty();
            assertThat(api.getId()).isEqualTo(ApiSignature.hash(api.getName(), api.getParameters()));
            assertThat(api.getOrigin()).isEqualTo(ApiOrigin.REAL);
            assertThat(api.getGeneration()).isZero();
            assertThat(api.getDomain()).isEqualTo("Swagger Petstore");
            assertThat(api.getFunctionalities()).isEmpty();
            assertThat(api.getLineage().getSeedIds()).containsExactly(seedId);
            assertThat(api.getDescription()).isNotBlank();
        });
        assertThat(petstore.apis()).extracting(ApiDefinition::getSubdomain)
                .containsExactly("pets", "pets", "pets", "pets", "store", "store", OpenApiImport.GENERAL);
        assertThat(petstore.warnings()).isEmpty();
    }

    @Test
    void aRequestBodyIsResolvedThroughRefsAndMergedIntoTheParameters() {
        final Map<String, ApiDefinition> apis = byName(imported(OpenApiImport.read(resource("petstore-openapi3.yaml"))));

        // createPet: requestBodies/NewPet -> schemas/NewPet; its properties are the parameters
        final JsonNode create = json(apis.get("createPet").getParameters());
        assertThat(names(create.get("properties"))).containsExactly("name", "tag", "category", "photoUrls", "status");
        assertThat(create.get("required")).containsExactly(JSON.valueToTree("name"));
        assertThat(create.at("/properties/status/enum")).hasSize(3);
        // a read-only id is not sent in a request; a recursive reference stops at a stub
        assertThat(names(create.at("/properties/category/properties"))).containsExactly("name", "parent");
        assertThat(create.at("/properties/category/properties/parent/description").asText())
                .isEqualTo("Category (recursive, not expanded)");

        // the 201 response is Pet: allOf [NewPet, {id}] merged into one object, read-only id included
        final JsonNode pet = json(apis.get("createPet").getResponse());
        assertThat(pet.get("type").asText()).isEqualTo("object");
        assertThat(names(pet.get("properties"))).contains("name", "category", "id");
        assertThat(pet.get("required")).extracting(JsonNode::asText).containsExactlyInAnyOrder("name", "id");

        // an inline body marked required: its required properties stay required, readOnly id left out
        final JsonNode order = json(apis.get("Place an order for a pet").getParameters());
        assertThat(names(order.get("properties"))).containsExactly("petId", "quantity", "shipDate", "country", "status", "complete");
        assertThat(order.get("required")).extracting(JsonNode::asText).containsExactly("petId", "quantity");
        assertThat(order.at("/properties/country/pattern").asText()).isEqualTo("^[A-Z]{2}$");
        assertThat(order.at("/properties/quantity/minimum").asInt()).isEqualTo(1);
    }

    @Test
    void pathQueryAndHeaderParametersAreMergedAndTheIgnoredOnesLeftOut() {
        final Map<String, ApiDefinition> apis = byName(imported(OpenApiImport.read(resource("petstore-openapi3.yaml"))));

        final JsonNode list = json(apis.get("listPets").getParameters());
        // Authorization is ignored by OpenAPI's own rule, cookies are session plumbing
        assertThat(names(list.get("properties"))).containsExactly("limit", "X-Request-ID");
        assertThat(list.has("required")).isFalse();
        assertThat(list.at("/properties/limit/maximum").asInt()).isEqualTo(100);
        assertThat(list.at("/properties/limit/description").asText()).startsWith("How many pets");
        // response: array of Pet
        assertThat(json(apis.get("listPets").getResponse()).at("/items/properties/id/type").asText()).isEqualTo("integer");

        // the path item's $ref'd parameter reaches both of its operations, required as a path parameter
        for (final String name : List.of("showPetById", "Delete a pet")) {
            final JsonNode params = json(apis.get(name).getParameters());
            assertThat(names(params.get("properties"))).containsExactly("petId");
            assertThat(params.get("required")).extracting(JsonNode::asText).containsExactly("petId");
        }
        // a 204 and no description: empty response, "METHOD path" description
        assertThat(apis.get("health").getDescription()).isEqualTo("GET /health");
        assertThat(apis.get("health").getResponse()).isEqualTo("{}");
        assertThat(apis.get("Delete a pet").getResponse()).isEqualTo("{}");
        assertThat(json(apis.get("getInventory").getResponse()).at("/additionalProperties/type").asText()).isEqualTo("integer");
    }

    @Test
    void theSeedDocumentIsAManualThatSpeciationMines() {
        final ImportResult.Imported petstore = imported(OpenApiImport.read(resource("petstore-openapi3.yaml")));

        assertThat(petstore.seed().getKind()).isEqualTo(SeedKind.OPENAPI);
        assertThat(petstore.seed().getTitle()).isEqualTo("Swagger Petstore");
        assertThat(petstore.seed().getSource()).endsWith("petstore-openapi3.yaml");
        assertThat(petstore.seed().getText())
                .startsWith("# Swagger Petstore\n\nVersion 1.0.0. A sample pet store server.")
                .doesNotContain("second paragraph")
                .contains("\n## pets\n\nEverything about your pets.\n\n- List all pets: Returns the pets in the store, a page at a time.\n")
                .contains("- Info for a specific pet: GET /pets/{petId}\n")
                .contains("\n## store\n")
                .endsWith("\n## General\n\n- Health: GET /health\n");

        final List<ContextNode> nodes = new Speciator().speciate(petstore.seed()).nodes();
        assertThat(nodes).filteredOn(n -> n.getLevel() == NodeLevel.DOMAIN).extracting(ContextNode::getName)
                .containsExactly("Swagger Petstore");
        assertThat(nodes).filteredOn(n -> n.getLevel() == NodeLevel.SUBDOMAIN).extracting(ContextNode::getName)
                .contains("pets", "store");
        assertThat(nodes).filteredOn(n -> n.getLevel() == NodeLevel.FUNCTIONALITY).extracting(ContextNode::getName)
                .contains("List all pets", "Create a pet", "Place an order for a pet");
    }

    @Test
    void aSwagger2SpecReadsBodyFormAndSharedParameters() {
        final ImportResult.Imported billing = imported(OpenApiImport.read(resource("billing-swagger2.json")));
        final Map<String, ApiDefinition> apis = byName(billing);

        assertThat(apis.keySet()).containsExactly("listInvoices", "createInvoice", "downloadInvoicePdf", "uploadAttachment");
        assertThat(billing.apis()).allSatisfy(api ->
                assertThat(ApiRules.check(ToolSamples.toolSpec(api))).as(api.getName()).isEmpty());
        assertThat(billing.seed().getTitle()).isEqualTo("Acme Billing API");

        // #/parameters/customerId on the path item, then a body parameter with #/definitions refs
        final JsonNode create = json(apis.get("createInvoice").getParameters());
        assertThat(names(create.get("properties"))).containsExactly("customerId", "currency", "dueDate", "lines", "metadata");
        assertThat(create.get("required")).extracting(JsonNode::asText).containsExactly("customerId", "currency", "lines");
        assertThat(create.at("/properties/customerId/pattern").asText()).isEqualTo("^cus_[A-Za-z0-9]+$");
        assertThat(create.at("/properties/lines/items/required")).extracting(JsonNode::asText).containsExactly("description", "amount");
        assertThat(json(apis.get("createInvoice").getResponse()).at("/properties/total/type").asText()).isEqualTo("integer");

        // query parameters keep enums and bounds; a bracketed name is made a keyword argument
        final JsonNode list = json(apis.get("listInvoices").getParameters());
        assertThat(names(list.get("properties"))).containsExactly("customerId", "status", "limit", "created_gte");
        assertThat(billing.warnings()).anySatisfy(w -> assertThat(w).contains("'created[gte]' renamed 'created_gte'"));

        // files: a form upload and a binary response
        final JsonNode upload = json(apis.get("uploadAttachment").getParameters());
        assertThat(upload.at("/properties/file/type").asText()).isEqualTo("string");
        assertThat(upload.at("/properties/file/format").asText()).isEqualTo("binary");
        assertThat(upload.get("required")).extracting(JsonNode::asText).containsExactly("invoiceId", "file");
        assertThat(apis.get("downloadInvoicePdf").getResponse()).isEqualTo("{\"type\": \"string\", \"format\": \"binary\"}");
    }

    @Test
    void theSameSpecInJsonOrYamlIsTheSameSeedWithTheSameApis() throws Exception {
        final String yaml = java.nio.file.Files.readString(resource("petstore-openapi3.yaml"));
        final String asJson = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(new YAMLMapper().readTree(yaml));

        final ImportResult.Imported fromYaml = imported(OpenApiImport.read(yaml, "petstore.yaml"));
        final ImportResult.Imported fromJson = imported(OpenApiImport.read(asJson, "petstore.json"));
        final ImportResult.Imported again = imported(OpenApiImport.read(yaml, "elsewhere/petstore.yaml"));

        assertThat(fromJson.seed().getId()).isEqualTo(fromYaml.seed().getId()).isEqualTo(again.seed().getId());
        assertThat(fromJson.seed().getText()).isEqualTo(fromYaml.seed().getText());
        assertThat(fromJson.apis()).isEqualTo(fromYaml.apis());
    }

    @Test
    void brokenOrForeignFilesFailWithTheReason() {
        assertThat(failure(OpenApiImport.read(resource("broken-openapi.yaml"))))
                .startsWith("not valid YAML: while parsing a flow mapping").contains("(line 10, column 10)").doesNotContain("\n");
        assertThat(failure(OpenApiImport.read("{\"openapi\": \"3.0.0\", \"paths\": {", "truncated.json")))
                .startsWith("not valid JSON: ").contains("line 1");
        assertThat(failure(OpenApiImport.read("{\"name\": \"my-package\", \"version\": \"1.0.0\"}", "package.json")))
                .isEqualTo("not an OpenAPI 3.x or Swagger 2.0 document: no 'openapi' or 'swagger' field");
        assertThat(failure(OpenApiImport.read("- a\n- b\n", "list.yaml")))
                .isEqualTo("not an OpenAPI 3.x or Swagger 2.0 document: the top level is a array, expected an object");
        assertThat(failure(OpenApiImport.read("swagger: '1.2'\napis: []\n", "old.yaml")))
                .isEqualTo("unsupported Swagger version '1.2'; OpenAPI 3.x and Swagger 2.0 are supported");
        assertThat(failure(OpenApiImport.read("openapi: 4.0.0\npaths: {}\n", "future.yaml")))
                .startsWith("unsupported OpenAPI version '4.0.0'");
        assertThat(failure(OpenApiImport.read("openapi: 3.1.0\ninfo: {title: T, version: '1'}\n", "nopaths.yaml")))
                .isEqualTo("the spec has no 'paths' object");
        assertThat(failure(OpenApiImport.read("openapi: 3.1.0\npaths: {/a: {summary: nothing here}}\n", "empty.yaml")))
                .isEqualTo("no operations under 'paths'");
        assertThat(failure(OpenApiImport.read("  \n", "blank.yaml"))).isEqualTo("the file is empty");
    }

    @Test
    void whatTheRulesWouldRejectIsRepairedAndReported() {
        final String spec = """
                openapi: 3.1.0
                info: {title: Odd Shop, version: '1'}
                paths:
                  /items:
                    get:
                      operationId: 'list[items]'
                      parameters:
                        - {name: code, in: query, schema: {type: string, pattern: '[^]'}}
                        - {name: level, in: query, schema: {type: integer, enum: ['1', 2, 3]}}
                        - {name: when, in: query, schema: {type: date}}
                        - {name: ext, in: query, schema: {$ref: 'other.yaml#/Thing'}}
                        - {name: gone, in: query, schema: {$ref: '#/components/schemas/Missing'}}
                        - {name: range, in: query, schema: {type: integer, minimum: 10, maximum: 1}}
                        - {name: tags, in: query, schema: {type: [array, 'null'], items: {type: string}}}
                      responses:
                        '200':
                          content:
                            application/json:
                              schema: {type: object, required: [id, ghost], properties: {id: {type: string}}}
                    post:
                      summary: List items
                      responses: {'200': {description: ok}}
                    put:
                      summary: List items
                      responses: {'200': {description: ok}}
                """;

        final ImportResult.Imported odd = imported(OpenApiImport.read(spec, "odd.yaml"));

        // names differing in case only are one name to a caller (and to the signature)
        assertThat(odd.apis()).extracting(ApiDefinition::getName).containsExactly("list items", "List items 2", "List items 3");
        assertThat(odd.apis()).allSatisfy(api ->
                assertThat(ApiRules.check(ToolSamples.toolSpec(api))).as(api.getName()).isEmpty());
        final JsonNode params = json(odd.apis().get(0).getParameters()).get("properties");
        assertThat(params.get("code").has("pattern")).isFalse();
        assertThat(params.at("/level/enum")).extracting(JsonNode::asInt).containsExactly(2, 3);
        assertThat(params.get("when").has("type")).isFalse();
        assertThat(params.get("ext")).isEmpty();
        assertThat(params.get("gone")).isEmpty();
        assertThat(params.get("range").has("minimum")).isFalse();
        assertThat(params.at("/tags/type")).extracting(JsonNode::asText).containsExactly("array", "null");
        assertThat(json(odd.apis().get(0).getResponse()).get("required")).extracting(JsonNode::asText).containsExactly("id");
        assertThat(odd.warnings()).anySatisfy(w -> assertThat(w).contains("pattern '[^]' left out"))
                .anySatisfy(w -> assertThat(w).contains("external $ref 'other.yaml#/Thing' is not followed"))
                .anySatisfy(w -> assertThat(w).contains("'#/components/schemas/Missing' points to nothing"))
                .anySatisfy(w -> assertThat(w).contains("unknown type \"date\""))
                .anySatisfy(w -> assertThat(w).contains("renamed 'List items 2'"));
    }

    @Test
    void deepReferenceChainsStopAtTheDepthLimit() {
        final StringBuilder spec = new StringBuilder("""
                {"openapi": "3.0.0", "info": {"title": "Deep", "version": "1"},
                 "paths": {"/deep": {"post": {"operationId": "deep",
                   "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/L0"}}}},
                   "responses": {"200": {"description": "ok"}}}}},
                 "components": {"schemas": {
                """);
        final int levels = OpenApiSchemas.MAX_REF_DEPTH + 3;
        for (int i = 0; i < levels; i++) {
            spec.append(i == 0 ? "" : ",\n").append("\"L").append(i).append("\": {\"type\": \"object\", \"properties\": {")
                    .append("\"name").append(i).append("\": {\"type\": \"string\"}")
                    .append(i + 1 < levels ? ", \"next\": {\"$ref\": \"#/components/schemas/L" + (i + 1) + "\"}" : "")
                    .append("}}");
        }
        spec.append("}}}");

        final ApiDefinition deep = imported(OpenApiImport.read(spec.toString(), "deep.json")).apis().get(0);

        JsonNode node = json(deep.getParameters());
        int expanded = 0;
        while (node.at("/properties/next/properties").isObject()) {
            node = node.at("/properties/next");
            expanded++;
        }
        assertThat(expanded).isEqualTo(OpenApiSchemas.MAX_REF_DEPTH - 1);
        assertThat(node.at("/properties/next/description").asText()).isEqualTo("L" + OpenApiSchemas.MAX_REF_DEPTH + " (not expanded)");
        assertThat(ApiRules.check(ToolSamples.toolSpec(deep))).isEmpty();
    }

    @Test
    void aWidelyReferencingSpecStaysWithinTheNodeBudget() {
        // Given 40 schemas that each reference five others (cycles included), as payment APIs do
        final StringBuilder schemas = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            schemas.append(i == 0 ? "" : ",").append("\"S").append(i).append("\": {\"type\": \"object\", \"properties\": {")
                    .append("\"id\": {\"type\": \"string\"}");
            for (int j = 1; j <= 5; j++) {
                schemas.append(", \"r").append(j).append("\": {\"$ref\": \"#/components/schemas/S").append((i * 7 + j * 3) % 40).append("\"}");
            }
            schemas.append("}}");
        }
        final String spec = "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"Wide\", \"version\": \"1\"}, \"paths\": {\"/s\": {\"post\": {"
                + "\"operationId\": \"wide\", \"requestBody\": {\"content\": {\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/S0\"}}}},"
                + "\"responses\": {\"200\": {\"description\": \"ok\", \"content\": {\"application/json\": {\"schema\": {\"$ref\": \"#/components/schemas/S1\"}}}}}}}},"
                + "\"components\": {\"schemas\": {" + schemas + "}}}";

        // When it is imported
        final ApiDefinition wide = imported(OpenApiImport.read(spec, "wide.json")).apis().get(0);

        // Then the inlined schemas stop at the budget (5^6 nodes otherwise), every top-level property expanded
        final JsonNode parameters = json(wide.getParameters());
        assertThat(countSchemas(parameters)).isLessThanOrEqualTo(OpenApiSchemas.NODE_BUDGET * 6);
        assertThat(countSchemas(json(wide.getResponse()))).isLessThanOrEqualTo(OpenApiSchemas.NODE_BUDGET * 6);
        assertThat(names(parameters.get("properties"))).containsExactly("id", "r1", "r2", "r3", "r4", "r5");
        for (int j = 1; j <= 5; j++) {
            assertThat(parameters.at("/properties/r" + j + "/properties").isObject()).as("r%d expanded", j).isTrue();
        }
        assertThat(ApiRules.check(ToolSamples.toolSpec(wide))).isEmpty();
    }

    private static int countSchemas(final JsonNode schema) {
        int count = 1;
        for (final JsonNode property : schema.path("properties")) {
            count += countSchemas(property);
        }
        return count;
    }

    // ---------------------------------------------------------------- helpers

    static Path resource(final String name) {
        try {
            return Path.of(OpenApiImportTest.class.getResource("/seeds/" + name).toURI());
        } catch (final URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ImportResult.Imported imported(final ImportResult result) {
        assertThat(result).isInstanceOf(ImportResult.Imported.class);
        return (ImportResult.Imported) result;
    }

    private static String failure(final ImportResult result) {
        assertThat(result).isInstanceOf(ImportResult.Failed.class);
        return ((ImportResult.Failed) result).reason();
    }

    private static Map<String, ApiDefinition> byName(final ImportResult.Imported imported) {
        return imported.apis().stream().collect(Collectors.toMap(ApiDefinition::getName, Function.identity(),
                (a, b) -> a, java.util.LinkedHashMap::new));
    }

    private static JsonNode json(final String text) {
        try {
            return JSON.readTree(text);
        } catch (final Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static List<String> names(final JsonNode object) {
        final List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
