package org.seer4j.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.seer4j.core.archfixture.CoreCallingTheApp;
import org.seer4j.core.archfixture.CoreReadingYaml;
import org.seer4j.data.archfixture.DataAdapterFixture;
import org.seer4j.djl.archfixture.DjlTouchingBytedecoTorch;
import org.seer4j.djl.archfixture.DjlUsingData;
import org.seer4j.tensorflow.archfixture.TensorflowUsingDjl;

/**
 * The hexagon's rules, checked on the main classes of every module (app's test class path sees them all).
 * Each rule is also run against deliberate violations under {@code *.archfixture} (test code, so not part of
 * the main import), which proves the rule would fail if the code broke it.
 */
class ArchitectureTest {
    private static final String CORE = "org.seer4j.core..";
    private static final String APP = "org.seer4j.app..";
    /** Adapter packages by name; each must not see the others. */
    private static final Map<String, String> ADAPTERS = Map.of(
            "data", "org.seer4j.data..", "djl", "org.seer4j.djl..", "tensorflow", "org.seer4j.tensorflow..");

    static final ArchRule CORE_USES_NO_FRAMEWORK = noClasses().that().resideInAPackage(CORE)
            .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.tensorflow..", "com.google.inject..",
                    "com.fasterxml..", "picocli..")
            .because("core is the engine-neutral domain: engines, Guice, Jackson and picocli live in adapters and app");

    static final ArchRule CORE_USES_THE_JDK_ONLY = classes().that().resideInAPackage(CORE)
            .should().onlyDependOnClassesThat().resideInAnyPackage(CORE, "java..")
            .because("core depends on nothing but the JDK");

    static final ArchRule NOTHING_DEPENDS_ON_APP = noClasses().that().resideOutsideOfPackage(APP)
            .should().dependOnClassesThat().resideInAPackage(APP)
            .because("app is the composition root: it sees every module and nothing sees it");

    static final ArchRule BYTEDECO_LIBTORCH_ONLY_IN_THE_GLOO_SIDECAR = noClasses()
            .that().doNotHaveFullyQualifiedName("org.seer4j.djl.gloo.GlooSidecar")
            .should().dependOnClassesThat().resideInAnyPackage("org.bytedeco.pytorch..")
            .because("bytedeco's libtorch aborts a process that has DJL's loaded: it runs in the Gloo sidecar only");

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.seer4j");
    }

    /** No adapter package depends on another; empty (and allowed to be) only while that module has no classes. */
    static ArchRule adapterIsolated(String adapter) throws IOException {
        String own = ADAPTERS.get(adapter);
        String[] others = ADAPTERS.entrySet().stream().filter(e -> !e.getKey().equals(adapter))
                .map(Map.Entry::getValue).sorted().toArray(String[]::new);
        return noClasses().that().resideInAPackage(own)
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("adapters depend on core only, never on each other")
                .allowEmptyShould(!moduleHasClasses(adapter));
    }

    /** Whether the adapter's package exists on the main class path (a compiled class folder or jar). */
    private static boolean moduleHasClasses(String adapter) throws IOException {
        String dir = "org/seer4j/" + adapter;
        var urls = ArchitectureTest.class.getClassLoader().getResources(dir);
        while (urls.hasMoreElements()) {
            if (!urls.nextElement().toString().contains("test-classes")) return true;
        }
        return false;
    }

    @Test
    void coreUsesNoEngineGuiceJacksonOrPicocli() {
        assertThat(main.stream().filter(c -> c.getPackageName().startsWith("org.seer4j.core")))
                .as("core's classes are imported").hasSizeGreaterThan(20);
        CORE_USES_NO_FRAMEWORK.check(main);
    }

    @Test
    void coreUsesTheJdkOnly() {
        CORE_USES_THE_JDK_ONLY.check(main);
    }

    @Test
    void adaptersDoNotDependOnEachOther() throws IOException {
        for (String adapter : ADAPTERS.keySet()) adapterIsolated(adapter).check(main);
    }

    @Test
    void nothingOutsideAppDependsOnApp() {
        assertThat(main.stream().filter(c -> c.getPackageName().startsWith("org.seer4j.app")))
                .as("app's classes are imported").isNotEmpty();
        NOTHING_DEPENDS_ON_APP.check(main);
    }

    @Test
    void onlyTheGlooSidecarTouchesBytedecosLibtorch() {
        BYTEDECO_LIBTORCH_ONLY_IN_THE_GLOO_SIDECAR.check(main);
    }

    @Test
    void theMainImportLeavesTheViolationFixturesOut() {
        assertThat(main.contain(CoreReadingYaml.class)).isFalse();
    }

    // --- each rule fails on code that breaks it ---

    private static JavaClasses fixtures() {
        return new ClassFileImporter().importClasses(List.of(CoreReadingYaml.class, CoreCallingTheApp.class,
                DataAdapterFixture.class, DjlUsingData.class, TensorflowUsingDjl.class, UserException.class,
                DjlTouchingBytedecoTorch.class));
    }

    @Test
    void theCoreRulesCatchCoreUsingJackson() {
        assertThatThrownBy(() -> CORE_USES_NO_FRAMEWORK.check(fixtures())).hasMessageContaining("CoreReadingYaml")
                .hasMessageContaining("com.fasterxml.jackson.core.JsonFactory");
        assertThatThrownBy(() -> CORE_USES_THE_JDK_ONLY.check(fixtures())).hasMessageContaining("CoreReadingYaml");
    }

    @Test
    void theAdapterRuleCatchesOneAdapterUsingAnother() throws IOException {
        assertThatThrownBy(() -> adapterIsolated("djl").check(fixtures())).hasMessageContaining("DjlUsingData")
                .hasMessageContaining("DataAdapterFixture");
        assertThatThrownBy(() -> adapterIsolated("tensorflow").check(fixtures()))
                .hasMessageContaining("TensorflowUsingDjl");
    }

    @Test
    void theSidecarRuleCatchesBytedecosLibtorchOutsideTheSidecar() {
        assertThatThrownBy(() -> BYTEDECO_LIBTORCH_ONLY_IN_THE_GLOO_SIDECAR.check(fixtures()))
                .hasMessageContaining("DjlTouchingBytedecoTorch").hasMessageContaining("org.bytedeco.pytorch.Tensor");
    }

    @Test
    void theAppRuleCatchesCoreReachingIntoApp() {
        assertThatThrownBy(() -> NOTHING_DEPENDS_ON_APP.check(fixtures())).hasMessageContaining("CoreCallingTheApp")
                .hasMessageContaining("org.seer4j.app.UserException");
    }
}
