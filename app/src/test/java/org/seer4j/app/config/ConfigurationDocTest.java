package org.seer4j.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.seer4j.core.config.RunConfig;

/** docs/configuration.md documents every key the loader knows, with the default the loader really uses. */
class ConfigurationDocTest {
    /** A reference table row: | `section.key` | type | `default` | ... */
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9_.\\[\\]]+)` \\| [^|]+ \\| ([^|]+) \\|", Pattern.MULTILINE);
    private static final Map<String, String> DOCUMENTED = new LinkedHashMap<>();

    @BeforeAll
    static void readTheReference() throws Exception {
        String doc = Files.readString(ExampleConfigsTest.ROOT.resolve("docs/configuration.md"));
        Matcher m = ROW.matcher(doc);
        while (m.find()) DOCUMENTED.put(m.group(1), m.group(2).strip());
    }

    @Test
    void everyKeyIsDocumentedAndNothingElse() {
        assertThat(DOCUMENTED.keySet()).containsAll(ConfigKeys.all());
        assertThat(ConfigKeys.all()).containsAll(DOCUMENTED.keySet().stream().filter(k -> !k.equals("views.crops")).toList());
    }

    @Test
    void eachDocumentedDefaultIsTheDefaultTheLoaderUses() {
        RunConfig defaults = RunConfig.defaults();
        int checked = 0;
        for (Map.Entry<String, String> row : DOCUMENTED.entrySet()) {
            String key = row.getKey();
            String cell = row.getValue();
            boolean plainValue = cell.startsWith("`") && cell.endsWith("`");
            if (!plainValue || key.startsWith("views.crops") || ConfigKeys.CUSTOM_MODEL.contains(key.substring(6))) continue;
            String value = cell.substring(1, cell.length() - 1);
            RunConfig read = ConfigLoader.defaults(List.of(key + "=" + value));
            assertThat(read).as("documented default of %s: %s", key, value).isEqualTo(defaults);
            checked++;
        }
        assertThat(checked).isEqualTo(ConfigKeys.all().size() - 4 - ConfigKeys.CUSTOM_MODEL.size()
                - ConfigKeys.STAGES_MODEL.size());
    }

    @Test
    void theCustomTrunksOptionalKeysHaveTheDocumentedDefaults() {
        RunConfig c = ConfigLoader.defaults(List.of(
                "model={arch: custom, depth: 16, w0: 48, wa: 27.89, wm: 2.09, group_width: 8}"));
        String explicit = "model={arch: custom, depth: 16, w0: 48, wa: 27.89, wm: 2.09, group_width: 8, bottleneck: "
                + unquote(DOCUMENTED.get("model.bottleneck")) + ", se_ratio: " + unquote(DOCUMENTED.get("model.se_ratio"))
                + ", stem_width: " + unquote(DOCUMENTED.get("model.stem_width")) + "}";
        assertThat(ConfigLoader.defaults(List.of(explicit))).isEqualTo(c);
    }

    private static String unquote(String cell) {
        return cell.replace("`", "");
    }
}
