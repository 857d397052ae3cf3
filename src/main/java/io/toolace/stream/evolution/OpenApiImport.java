package io.toolace.stream.evolution;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.toolace.stream.evolution.OpenApiSchemas.Direction;
import io.toolace.stream.format.CallSyntax;
import io.toolace.stream.format.ContentHash;
import io.toolace.stream.format.Json;
import io.toolace.stream.kafka.registry.TrustedClasses;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.ApiOrigin;
import io.toolace.stream.records.Lineage;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Real APIs from an OpenAPI 3.x or Swagger 2.0 spec (JSON or YAML), for the TSS pool, which mixes
 * real and synthesised APIs as the ToolACE paper does. Pure: no Kafka, no network.
 *
 * <p>A spec gives two things:
 * <ul>
 *   <li>A {@link SeedKind#OPENAPI} {@link SeedDocument} whose text is the spec rendered as a manual
 *       ({@code # title}, a {@code ## tag} section per tag, a {@code - summary: description} bullet
 *       per operation), so speciation mines it like any Markdown document. Its id is the
 *       {@link ContentHash} of the spec's canonical JSON (keys sorted), so the same spec in JSON or
 *       YAML, or reformatted, is the same seed.
 *   <li>One {@link ApiDefinition} per operation, {@link ApiOrigin#REAL}, generation 0, keyed and
 *       identified by {@link ApiSignature#hash}: name from {@code operationId} (else the summary,
 *       else method and path), description from the description (else the summary, else
 *       "METHOD path"), parameters as one JSON Schema object merging path, query and header
 *       parameters (Swagger: also form fields) with the properties of a JSON request body,
 *       the response as the schema of the 200, 201 or other 2xx JSON response (else
 *       {@code default}, else {@code {}}), domain the spec title, sub-domain the first tag (else
 *       {@value #GENERAL}); {@code $ref}s are inlined as {@link OpenApiSchemas} describes.
 * </ul>
 *
 * <p>Choices where specs are loose: a request body's {@code required} properties stay required
 * unless the body itself is marked {@code required: false} (many specs leave that flag out);
 * cookie parameters and the {@code Accept}, {@code Content-Type} and {@code Authorization} headers
 * (which OpenAPI says to ignore) are left out; a body property named like a parameter becomes
 * {@code body_<name>}; a body that is not an object becomes one {@code body} parameter.
 *
 * <p>A spec that cannot be read, is not OpenAPI 3.x / Swagger 2.0, or has no operation is
 * {@link ImportResult.Failed} with the reason; smaller problems are repaired or left out and
 * listed in {@link ImportResult.Imported#warnings()}.
 */
public final class OpenApiImport {

    /** Sub-domain of operations without a tag. */
    public static final String GENERAL = "general";

    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Set<String> IGNORED_HEADERS = Set.of("accept", "content-type", "authorization");
    private static final int MAX_DESCRIPTION = 400;
    private static final int MAX_BULLET_DESCRIPTION = 200;
    private static final int MAX_OVERVIEW = 600;
    private static final int MAX_NAME_CHARS = 64;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(yamlFactory());

    static {
        TrustedClasses.trustNamedTypesOf(ApiDefinition.getClassSchema());
        TrustedClasses.trustNamedTypesOf(SeedDocument.getClassSchema());
    }

    private OpenApiImport() {}

    /** Reads a spec file; the document's {@code source} is the path as given. */
    public static ImportResult read(final Path file) {
        try {
            return read(SeedFiles.readText(file), file.toString());
        } catch (final SeedFiles.UnreadableFile e) {
            return new ImportResult.Failed(e.getMessage());
        }
    }

    /**
     * Reads a spec's content; {@code fileName} says whether it is JSON ({@code .json}) or YAML
     * (anything else; YAML also reads JSON), titles a spec without {@code info.title} and becomes
     * the document's {@code source}.
     */
    public static ImportResult read(final String content, final String fileName) {
        final String text = SeedFiles.normalise(content);
        if (text.isBlank()) {
            return new ImportResult.Failed("the file is empty");
        }
        final boolean json = fileName.toLowerCase(Locale.ROOT).endsWith(".json");
        final JsonNode root;
        try {
            root = (json ? JSON : YAML).readTree(text);
        } catch (final JsonProcessingException e) {
            return new ImportResult.Failed("not valid " + (json ? "JSON" : "YAML") + ": " + oneLine(e));
        } catch (final RuntimeException e) {
            // SnakeYAML reports some limits (aliases, code points) as unchecked exceptions.
            return new ImportResult.Failed("not valid " + (json ? "JSON" : "YAML") + ": " + firstLine(String.valueOf(e.getMessage())));
        }
        if (root == null || !root.isObject()) {
            return new ImportResult.Failed("not an OpenAPI 3.x or Swagger 2.0 document: the top level is "
                    + (root == null || root.isMissingNode() ? "empty" : "a " + root.getNodeType().toString().toLowerCase(Locale.ROOT))
                    + ", expected an object");
        }
        final Dialect dialect;
        if (root.hasNonNull("openapi")) {
            final String version = root.get("openapi").asText();
            if (!version.startsWith("3.")) {
                return new ImportResult.Failed("unsupported OpenAPI version '" + version + "'; OpenAPI 3.x and Swagger 2.0 are supported");
            }
            dialect = Dialect.OPENAPI_3;
        } else if (root.hasNonNull("swagger")) {
            final String version = root.get("swagger").asText();
            if (!version.equals("2.0")) {
                return new ImportResult.Failed("unsupported Swagger version '" + version + "'; OpenAPI 3.x and Swagger 2.0 are supported");
            }
            dialect = Dialect.SWAGGER_2;
        } else {
            return new ImportResult.Failed("not an OpenAPI 3.x or Swagger 2.0 document: no 'openapi' or 'swagger' field");
        }
        if (!root.path("paths").isObject()) {
            return new ImportResult.Failed("the spec has no 'paths' object");
        }
        return new Spec(root, dialect, fileName).read();
    }

    private enum Dialect { OPENAPI_3, SWAGGER_2 }

    /** One operation as found under {@code paths}, with the path item's shared parameters. */
    private record Operation(String method, String path, JsonNode node, JsonNode sharedParameters) {
        String endpoint() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }

        String text(final String field) {
            final JsonNode value = node.get(field);
            return value != null && value.isTextual() ? value.textValue().strip() : "";
        }

        String firstTag() {
            final JsonNode tags = node.get("tags");
            return tags != null && tags.isArray() && !tags.isEmpty() && tags.get(0).isTextual()
                    && !tags.get(0).textValue().isBlank() ? tags.get(0).textValue().strip() : "";
        }
    }

    /** The reading of one spec, collecting warnings as it goes. */
    private static final class Spec {
        private final JsonNode root;
        private final Dialect dialect;
        private final String fileName;
        private final List<String> warnings = new ArrayList<>();
        private final OpenApiSchemas schemas;
        private final Map<String, Integer> namesTaken = new HashMap<>();

        Spec(final JsonNode root, final Dialect dialect, final String fileName) {
            this.root = root;
            this.dialect = dialect;
            this.fileName = fileName;
            this.schemas = new OpenApiSchemas(root, warnings);
        }

        ImportResult read() {
            final List<Operation> operations = operations();
            if (operations.isEmpty()) {
                return new ImportResult.Failed("no operations under 'paths'");
            }
            String title = root.path("info").path("title").asText("").strip();
            if (title.isEmpty()) {
                title = SeedFiles.titleOfFile(fileName);
                warnings.add("no info.title; the spec is titled '" + title + "' after the file");
            }
            final SeedDocument seed = SeedDocument.newBuilder()
                    .setId(ContentHash.of("openapi", canonical(root)))
                    .setTitle(title)
                    .setKind(SeedKind.OPENAPI)
                    .setText(markdown(title, operations))
                    .setSource(fileName)
                    .build();
            final List<ApiDefinition> apis = new ArrayList<>(operations.size());
            for (final Operation operation : operations) {
                apis.add(api(operation, title, seed.getId()));
            }
            return new ImportResult.Imported(seed, apis, warnings);
        }

        private List<Operation> operations() {
            final List<Operation> operations = new ArrayList<>();
            final Iterator<Map.Entry<String, JsonNode>> paths = root.get("paths").fields();
            while (paths.hasNext()) {
                final Map.Entry<String, JsonNode> entry = paths.next();
                if (entry.getKey().startsWith("x-")) {
                    continue;
                }
                final JsonNode item = schemas.deref(entry.getValue());
                if (item == null || !item.isObject()) {
                    warnings.add("path '" + entry.getKey() + "' left out: not a path item object");
                    continue;
                }
                for (final String method : METHODS) {
                    final JsonNode node = item.get(method);
                    if (node == null) {
                        continue;
                    }
                    if (!node.isObject()) {
                        warnings.add(method.toUpperCase(Locale.ROOT) + " " + entry.getKey() + " left out: not an operation object");
                        continue;
                    }
                    operations.add(new Operation(method, entry.getKey(), node, item.get("parameters")));
                }
            }
            return operations;
        }

        // ------------------------------------------------------------ the API of an operation

        private ApiDefinition api(final Operation op, final String title, final String seedId) {
            final String name = uniqueName(name(op));
            String description = OpenApiSchemas.shorten(op.text("description"), MAX_DESCRIPTION);
            if (description.isBlank()) {
                description = OpenApiSchemas.shorten(op.text("summary"), MAX_DESCRIPTION);
            }
            if (description.isBlank()) {
                description = op.endpoint();
            }
            final String parameters = Json.write(parameters(op));
            final String response = Json.write(response(op));
            final String tag = op.firstTag();
            return ApiDefinition.newBuilder()
                    .setId(ApiSignature.hash(name, parameters))
                    .setName(name)
                    .setDescription(description)
                    .setDomain(title)
                    .setSubdomain(tag.isEmpty() ? GENERAL : tag)
                    .setFunctionalities(List.of())
                    .setParameters(parameters)
                    .setResponse(response)
                    .setOrigin(ApiOrigin.REAL)
                    .setGeneration(0)
                    .setDiversity(List.of())
                    .setExampleId(null)
                    .setRejection(null)
                    .setLineage(Lineage.newBuilder()
                            .setPoolGeneration(0)
                            .setPromptVersion("")
                            .setAgents(Map.of())
                            .setSeedIds(List.of(seedId))
                            .setCreatedAtMs(0)
                            .build())
                    .build();
        }

        /** {@code operationId}, else the summary, else method and path, as a name the call syntax can write. */
        private static String name(final Operation op) {
            String name = callable(op.text("operationId"));
            if (name.isEmpty()) {
                name = callable(shortName(op.text("summary")));
            }
            if (name.isEmpty()) {
                name = callable(pathName(op));
            }
            return name.isEmpty() ? op.method() : name;
        }

        private String uniqueName(final String name) {
            final String key = name.toLowerCase(Locale.ROOT);
            final int seen = namesTaken.merge(key, 1, Integer::sum);
            if (seen == 1) {
                return name;
            }
            final String renamed = name + " " + seen;
            warnings.add("operation name '" + name + "' is used more than once; renamed '" + renamed + "'");
            namesTaken.put(renamed.toLowerCase(Locale.ROOT), 1);
            return renamed;
        }

        /** The parameters as one object schema: path, query and header parameters, then the request body. */
        private ObjectNode parameters(final Operation op) {
            final Params params = new Params(op);
            final Map<String, JsonNode> declared = new LinkedHashMap<>();
            for (final JsonNode list : new JsonNode[] {op.sharedParameters(), op.node().get("parameters")}) {
                if (list == null || !list.isArray()) {
                    continue;
                }
                for (final JsonNode raw : list) {
                    final JsonNode parameter = schemas.deref(raw);
                    if (parameter == null || !parameter.path("name").isTextual() || !parameter.path("in").isTextual()) {
                        warnings.add(op.endpoint() + ": a parameter without name or location left out");
                        continue;
                    }
                    // An operation's parameter overrides the path item's of the same name and location.
                    declared.put(parameter.get("in").textValue() + ":" + parameter.get("name").textValue(), parameter);
                }
            }
            for (final JsonNode parameter : declared.values()) {
                parameter(params, parameter);
            }
            if (dialect == Dialect.OPENAPI_3 && op.node().has("requestBody")) {
                requestBody(params, schemas.deref(op.node().get("requestBody")));
            }
            return params.schema();
        }

        private void parameter(final Params params, final JsonNode parameter) {
            final String name = parameter.get("name").textValue();
            final String in = parameter.get("in").textValue();
            final boolean required = "path".equals(in) || parameter.path("required").asBoolean(false);
            switch (in) {
                case "path", "query", "header", "formData" -> {
                    if ("header".equals(in) && IGNORED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                        return;
                    }
                    final ObjectNode schema = schemas.convert(parameterSchema(parameter), Direction.REQUEST);
                    describe(schema, parameter);
                    params.add(name, schema, required);
                }
                case "body" -> body(params, schemas.convert(parameter.get("schema"), Direction.REQUEST),
                        explicitlyOptional(parameter), parameter);
                case "cookie" -> {
                    // Session plumbing, not something a user asks an assistant for.
                }
                default -> warnings.add(params.op.endpoint() + ": parameter '" + name + "' in unknown location '" + in + "' left out");
            }
        }

        /** OpenAPI 3 keeps a parameter's schema under {@code schema} (or {@code content}); Swagger 2 on the parameter itself. */
        private JsonNode parameterSchema(final JsonNode parameter) {
            if (dialect == Dialect.SWAGGER_2) {
                return parameter;
            }
            if (parameter.has("schema")) {
                return parameter.get("schema");
            }
            final JsonNode media = mediaType(parameter.get("content"));
            if (media != null && media.has("schema")) {
                return media.get("schema");
            }
            final ObjectNode string = NODES.objectNode();
            string.put("type", "string");
            return string;
        }

        private void requestBody(final Params params, final JsonNode body) {
            if (body == null || !body.isObject()) {
                return;
            }
            final JsonNode content = body.get("content");
            final String mediaName = mediaTypeName(content);
            if (mediaName == null) {
                return;
            }
            final JsonNode media = content.get(mediaName);
            final ObjectNode schema;
            if (isStructured(mediaName)) {
                schema = schemas.convert(media.get("schema"), Direction.REQUEST);
            } else {
                schema = NODES.objectNode();
                schema.put("type", "string");
                if (mediaName.startsWith("application/octet-stream") || mediaName.startsWith("image/")
                        || mediaName.startsWith("audio/") || mediaName.startsWith("video/")) {
                    schema.put("format", "binary");
                }
                schema.put("description", "The request body (" + mediaName + ").");
            }
            body(params, schema, explicitlyOptional(body), body);
        }

        /** A body's properties become parameters; a body that is no object with properties becomes {@code body}. */
        private void body(final Params params, final ObjectNode schema, final boolean optional, final JsonNode declaration) {
            final JsonNode properties = schema.get("properties");
            final String type = schema.path("type").asText("object");
            if (properties != null && properties.isObject() && properties.size() > 0 && "object".equals(type)) {
                final Set<String> required = new LinkedHashSet<>();
                schema.path("required").forEach(name -> required.add(name.textValue()));
                final Iterator<Map.Entry<String, JsonNode>> fields = properties.fields();
                while (fields.hasNext()) {
                    final Map.Entry<String, JsonNode> field = fields.next();
                    final String name = params.has(field.getKey()) ? "body_" + field.getKey() : field.getKey();
                    params.add(name, (ObjectNode) field.getValue(), !optional && required.contains(field.getKey()));
                }
            } else if (!schema.isEmpty()) {
                describe(schema, declaration);
                params.add("body", schema, !optional);
            }
        }

        private static boolean explicitlyOptional(final JsonNode declaration) {
            final JsonNode required = declaration.get("required");
            return required != null && required.isBoolean() && !required.booleanValue();
        }

        private static void describe(final ObjectNode schema, final JsonNode declaration) {
            final String description = declaration.path("description").asText("");
            if (!schema.has("description") && !description.isBlank()) {
                schema.put("description", OpenApiSchemas.shorten(description, MAX_DESCRIPTION));
            }
        }

        /** The schema of the first 2xx response (200, 201, then the others), else of {@code default}; {@code {}} without one. */
        private ObjectNode response(final Operation op) {
            final JsonNode responses = op.node().get("responses");
            if (responses == null || !responses.isObject()) {
                return NODES.objectNode();
            }
            final List<String> order = new ArrayList<>(List.of("200", "201"));
            final Set<String> others = new TreeSet<>();
            responses.fieldNames().forEachRemaining(code -> {
                if (code.matches("2\\d\\d") && !order.contains(code)) {
                    others.add(code);
                }
            });
            order.addAll(others);
            order.addAll(List.of("2XX", "2xx", "default"));
            for (final String code : order) {
                if (!responses.has(code)) {
                    continue;
                }
                final JsonNode response = schemas.deref(responses.get(code));
                if (response == null) {
                    return NODES.objectNode();
                }
                if (dialect == Dialect.SWAGGER_2) {
                    return schemas.convert(response.get("schema"), Direction.RESPONSE);
                }
                final String mediaName = mediaTypeName(response.get("content"));
                return mediaName != null && isStructured(mediaName)
                        ? schemas.convert(response.get("content").get(mediaName).get("schema"), Direction.RESPONSE)
                        : NODES.objectNode();
            }
            return NODES.objectNode();
        }

        private static JsonNode mediaType(final JsonNode content) {
            final String name = mediaTypeName(content);
            return name == null ? null : content.get(name);
        }

        /** JSON first ({@code application/json}, then any {@code +json}), then forms, then whatever is there. */
        private static String mediaTypeName(final JsonNode content) {
            if (content == null || !content.isObject() || content.isEmpty()) {
                return null;
            }
            final List<String> names = new ArrayList<>();
            content.fieldNames().forEachRemaining(names::add);
            for (final String preferred : List.of("application/json", "application/x-www-form-urlencoded", "multipart/form-data")) {
                for (final String name : names) {
                    if (name.toLowerCase(Locale.ROOT).startsWith(preferred)) {
                        return name;
                    }
                }
                if (preferred.equals("application/json")) {
                    for (final String name : names) {
                        if (name.toLowerCase(Locale.ROOT).contains("json") || name.equals("*/*")) {
                            return name;
                        }
                    }
                }
            }
            return names.get(0);
        }

        private static boolean isStructured(final String mediaName) {
            final String lower = mediaName.toLowerCase(Locale.ROOT);
            return lower.contains("json") || lower.equals("*/*") || lower.startsWith("application/x-www-form-urlencoded")
                    || lower.startsWith("multipart/form-data");
        }

        /** The parameters being collected for one operation. */
        private final class Params {
            final Operation op;
            final ObjectNode properties = NODES.objectNode();
            final Set<String> required = new LinkedHashSet<>();

            Params(final Operation op) {
                this.op = op;
            }

            boolean has(final String name) {
                return properties.has(name);
            }

            void add(final String declaredName, final ObjectNode schema, final boolean isRequired) {
                String name = declaredName;
                if (!CallSyntax.isKeyword(name)) {
                    name = name.replaceAll("[^\\p{L}\\p{N}_.\\-]+", "_").replaceAll("^_+|_+$", "");
                    if (name.isEmpty() || !CallSyntax.isKeyword(name)) {
                        warnings.add(op.endpoint() + ": parameter '" + declaredName + "' left out: its name cannot be a keyword argument");
                        return;
                    }
                    warnings.add(op.endpoint() + ": parameter '" + declaredName + "' renamed '" + name + "'");
                }
                if (properties.has(name)) {
                    warnings.add(op.endpoint() + ": parameter '" + name + "' declared twice; the first is kept");
                    return;
                }
                properties.set(name, schema);
                if (isRequired) {
                    required.add(name);
                }
            }

            ObjectNode schema() {
                final ObjectNode schema = NODES.objectNode();
                schema.put("type", "object");
                schema.set("properties", properties);
                if (!required.isEmpty()) {
                    final ArrayNode list = schema.putArray("required");
                    required.forEach(list::add);
                }
                return schema;
            }
        }

        // ------------------------------------------------------------ the manual speciation reads

        /**
         * The spec as a product manual: the title, version and overview, then per tag (in the order
         * the spec declares its tags, then as they appear; untagged last under "General") one
         * {@code - summary: description} bullet per operation, the endpoint standing in for a
         * missing description.
         */
        private String markdown(final String title, final List<Operation> operations) {
            final Map<String, List<Operation>> byTag = new LinkedHashMap<>();
            final Map<String, String> tagDescriptions = new HashMap<>();
            for (final JsonNode tag : root.path("tags")) {
                if (tag.path("name").isTextual() && !tag.get("name").textValue().isBlank()) {
                    final String name = tag.get("name").textValue().strip();
                    byTag.put(name, new ArrayList<>());
                    tagDescriptions.put(name, OpenApiSchemas.shorten(tag.path("description").asText(""), MAX_OVERVIEW));
                }
            }
            final List<Operation> untagged = new ArrayList<>();
            for (final Operation op : operations) {
                final String tag = op.firstTag();
                if (tag.isEmpty()) {
                    untagged.add(op);
                } else {
                    byTag.computeIfAbsent(tag, t -> new ArrayList<>()).add(op);
                }
            }
            if (!untagged.isEmpty()) {
                byTag.computeIfAbsent("General", t -> new ArrayList<>()).addAll(untagged);
            }
            final StringBuilder md = new StringBuilder(4096);
            md.append("# ").append(title).append("\n\n");
            final String version = root.path("info").path("version").asText("").strip();
            final String overview = OpenApiSchemas.shorten(root.path("info").path("description").asText(""), MAX_OVERVIEW);
            if (!version.isEmpty() || !overview.isEmpty()) {
                md.append(version.isEmpty() ? "" : "Version " + version + ". ").append(overview).append("\n");
            }
            for (final Map.Entry<String, List<Operation>> section : byTag.entrySet()) {
                if (section.getValue().isEmpty()) {
                    continue;
                }
                md.append("\n## ").append(section.getKey()).append("\n\n");
                final String description = tagDescriptions.getOrDefault(section.getKey(), "");
                if (!description.isEmpty()) {
                    md.append(description).append("\n\n");
                }
                for (final Operation op : section.getValue()) {
                    md.append("- ").append(bullet(op)).append('\n');
                }
            }
            return md.toString();
        }

        private static String bullet(final Operation op) {
            String name = shortName(op.text("summary"));
            if (name.isEmpty()) {
                name = humanise(op.text("operationId"));
            }
            if (name.isEmpty()) {
                name = humanise(pathName(op));
            }
            String description = OpenApiSchemas.shorten(op.text("description"), MAX_BULLET_DESCRIPTION);
            if (description.isEmpty() || normalised(description).equals(normalised(name))) {
                // "Info for a specific pet: GET /pets/{petId}" still reads as an operation to speciation.
                description = op.endpoint();
            }
            return name + ": " + description;
        }
    }

    // ---------------------------------------------------------------- names and text

    /** A summary as a name: one line, no closing punctuation, at most {@value #MAX_NAME_CHARS} characters at a word boundary. */
    static String shortName(final String summary) {
        String name = SeedFiles.plain(summary).replaceAll("[.!?:;,]+$", "").strip();
        if (name.length() > MAX_NAME_CHARS) {
            final int space = name.lastIndexOf(' ', MAX_NAME_CHARS);
            name = name.substring(0, space > 0 ? space : MAX_NAME_CHARS).strip();
        }
        return name;
    }

    /** {@code GET /pets/{petId}/photos} as "get pets by petId photos". */
    private static String pathName(final Operation op) {
        final StringBuilder name = new StringBuilder(op.method());
        for (final String segment : op.path().split("/")) {
            if (segment.isBlank()) {
                continue;
            }
            name.append(' ');
            if (segment.startsWith("{") && segment.endsWith("}")) {
                name.append("by ").append(segment, 1, segment.length() - 1);
            } else {
                name.append(segment);
            }
        }
        return name.toString();
    }

    /** A name the call syntax can write: brackets, parentheses and control characters become spaces. */
    static String callable(final String raw) {
        String name = raw.strip();
        if (name.isEmpty() || CallSyntax.isCallableName(name)) {
            return name;
        }
        name = name.replaceAll("[\\[\\]()\\p{Cntrl}]+", " ").replaceAll("\\s+", " ").replaceAll("^[\\s,]+", "").strip();
        return CallSyntax.isCallableName(name) ? name : "";
    }

    /** {@code listPets}, {@code list_pets} or {@code pets.list} as "List pets" / "Pets list". */
    static String humanise(final String identifier) {
        final String spaced = identifier.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("[_.\\-/{}]+", " ")
                .replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
        return spaced.isEmpty() ? "" : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    private static String normalised(final String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "");
    }

    /** The document as JSON with every object's keys sorted: equal specs give equal text, however written. */
    static String canonical(final JsonNode node) {
        return Json.write(sorted(node));
    }

    private static JsonNode sorted(final JsonNode node) {
        if (node.isObject()) {
            final ObjectNode out = NODES.objectNode();
            final List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (final String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            final ArrayNode out = NODES.arrayNode();
            node.forEach(element -> out.add(sorted(element)));
            return out;
        }
        return node;
    }

    private static String oneLine(final JsonProcessingException e) {
        final JsonLocation location = e.getLocation();
        final String where = location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        // SnakeYAML's messages quote the source under each line that says something; keep those lines only.
        final String said = String.join("; ", String.valueOf(e.getOriginalMessage()).lines()
                .filter(line -> !line.isEmpty() && !Character.isWhitespace(line.charAt(0)))
                .map(String::strip).toList());
        return (said.isEmpty() ? firstLine(String.valueOf(e.getOriginalMessage())) : said) + where;
    }

    private static String firstLine(final String message) {
        return message.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst().orElse("unreadable");
    }

    private static YAMLFactory yamlFactory() {
        final LoaderOptions options = new LoaderOptions();
        // Large public specs (cloud providers) run to several megabytes; aliases stay limited against "billion laughs".
        options.setCodePointLimit((int) SeedFiles.MAX_FILE_BYTES);
        options.setMaxAliasesForCollections(100);
        return YAMLFactory.builder().loaderOptions(options).build();
    }
}
