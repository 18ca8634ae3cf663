package org.seer4j.app.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.seer4j.app.config.ConfigNode.Entry;
import org.seer4j.app.config.ConfigNode.Kind;
import org.seer4j.app.config.ConfigNode.Mapping;
import org.seer4j.app.config.ConfigNode.Scalar;
import org.seer4j.app.config.ConfigNode.Sequence;

/**
 * Reads one YAML document into a {@link ConfigNode} tree, token by token with Jackson's streaming parser, so that
 * every key keeps its line (a data-binding tree would lose them). Duplicate keys, a second document and aliases
 * are refused: each would silently change what the user believes they configured.
 */
final class YamlTree {
    /** Empty plain scalars ({@code swav:} with nothing under it) must read as null, not as the string "". */
    /** SnakeYAML's position lines: {@code in 'reader', line 4, column 17:}. */
    private static final Pattern MARK = Pattern.compile("in '[^']*', line (\\d+), column \\d+:?");
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

    private final String source;
    private final JsonParser parser;
    /** When set, every node gets this origin instead of a line of {@code source} (values of {@code --set}). */
    private final Origin fixedOrigin;

    private YamlTree(String source, JsonParser parser, Origin fixedOrigin) {
        this.source = source;
        this.parser = parser;
        this.fixedOrigin = fixedOrigin;
    }

    /**
     * Parses a whole document. An empty document (or one with only comments) is an empty mapping.
     *
     * @param source how to name the text in messages, usually the file as the user wrote it
     */
    static ConfigNode parse(String text, String source) {
        return parse(text, source, null);
    }

    /** Parses {@code text} (e.g. the value of an override) with every node attributed to {@code origin}. */
    static ConfigNode parse(String text, String source, Origin fixedOrigin) {
        try (JsonParser p = FACTORY.createParser(text)) {
            YamlTree tree = new YamlTree(source, p, fixedOrigin);
            JsonToken first = p.nextToken();
            if (first == null) {
                return new Mapping(tree.origin(1));
            }
            ConfigNode root = tree.node(first, fixedOrigin == null ? "" : source);
            if (p.nextToken() != null) {
                throw new InvalidConfigException(tree.here(), null,
                        "a second YAML document starts here; a config file holds exactly one");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw malformed(e, source, fixedOrigin);
        } catch (IOException e) {
            // Parsing a String does no I/O; anything here is a parser failure without a location.
            throw new InvalidConfigException(fixedOrigin == null ? new Origin(source, 0) : fixedOrigin, null,
                    "malformed YAML: " + e.getMessage());
        }
    }

    /** @param path the dotted key of the node, for messages ({@code views.crops[1]}) */
    private ConfigNode node(JsonToken token, String path) throws IOException {
        Origin at = here();
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            throw new InvalidConfigException(at, null, "YAML aliases (*" + parser.getText()
                    + ") are not supported in seer4j configs; write the value out");
        }
        switch (token) {
            case START_OBJECT:
                return mapping(at, path);
            case START_ARRAY:
                return sequence(at, path);
            case VALUE_STRING:
                return new Scalar(parser.getText(), Kind.STRING, at);
            case VALUE_NUMBER_INT:
                return new Scalar(parser.getText(), Kind.INTEGER, at);
            case VALUE_NUMBER_FLOAT:
                return new Scalar(parser.getText(), Kind.FLOAT, at);
            case VALUE_TRUE:
                return new Scalar(parser.getText(), Kind.TRUE, at);
            case VALUE_FALSE:
                return new Scalar(parser.getText(), Kind.FALSE, at);
            case VALUE_NULL:
                return new Scalar(parser.getText(), Kind.NULL, at);
            default:
                throw new InvalidConfigException(at, null, "unexpected YAML content (" + token + ")");
        }
    }

    private Mapping mapping(Origin at, String path) throws IOException {
        Mapping m = new Mapping(at);
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String key = parser.currentName();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            Origin keyAt = here();
            Entry earlier = m.get(key);
            if (earlier != null) {
                int line = earlier.keyOrigin().line();
                throw new InvalidConfigException(keyAt, keyPath, "is given twice"
                        + (line > 0 ? " (first on line " + line + ")" : ""));
            }
            m.put(new Entry(key, keyAt, node(parser.nextToken(), keyPath)));
        }
        return m;
    }

    private Sequence sequence(Origin at, String path) throws IOException {
        List<ConfigNode> items = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            items.add(node(t, path + "[" + items.size() + "]"));
        }
        return new Sequence(items, at);
    }

    private Origin here() {
        return fixedOrigin != null ? fixedOrigin : origin(parser.currentTokenLocation().getLineNr());
    }

    private Origin origin(int line) {
        return fixedOrigin != null ? fixedOrigin : new Origin(source, line);
    }

    /**
     * SnakeYAML's messages span several lines with a copy of the text and a caret; keep the sentences ("while
     * parsing a flow sequence", "expected ',' or ']', but got :") and let the line number point at the text.
     */
    private static InvalidConfigException malformed(JsonProcessingException e, String source, Origin fixedOrigin) {
        String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        StringJoiner sentences = new StringJoiner("; ");
        int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
        for (String text : original.split("\\R")) {
            String trimmed = text.strip();
            Matcher mark = MARK.matcher(trimmed);
            if (mark.matches()) {
                line = Integer.parseInt(mark.group(1)); // the last mark is where the problem is
            } else if (!text.startsWith(" ") && !trimmed.isEmpty()) {
                sentences.add(trimmed.replace("\\t(TAB)", "tab"));
            }
        }
        Origin at = fixedOrigin != null ? fixedOrigin : new Origin(source, line);
        return new InvalidConfigException(at, null, "malformed YAML: " + sentences);
    }
}
