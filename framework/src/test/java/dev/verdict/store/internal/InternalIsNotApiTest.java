package dev.verdict.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The internal package stays out of the public API: no public or protected member of a public class elsewhere in
 * Verdict takes, returns or exposes one of its types, so a user never has to name one.
 */
class InternalIsNotApiTest {
    private static final String INTERNAL = "dev.verdict.store.internal";

    @Test
    void noPublicSignatureMentionsAnInternalType() {
        JavaClasses verdict = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.verdict");
        List<String> leaks = new ArrayList<>();
        for (JavaClass type : verdict) {
            if (type.getPackageName().startsWith(INTERNAL)
                    || !type.getModifiers().contains(JavaModifier.PUBLIC)) {
                continue;
            }
            for (JavaCodeUnit unit : type.getCodeUnits()) {
                if (visible(unit.getModifiers())) {
                    List<JavaClass> mentioned = new ArrayList<>(unit.getRawParameterTypes());
                    mentioned.add(unit.getRawReturnType());
                    mentioned.stream()
                            .filter(InternalIsNotApiTest::isInternal)
                            .forEach(t -> leaks.add(unit.getFullName() + " mentions " + t.getName()));
                }
            }
            for (JavaField field : type.getFields()) {
                if (visible(field.getModifiers()) && isInternal(field.getRawType())) {
                    leaks.add(
                            field.getFullName() + " is a " + field.getRawType().getName());
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static boolean visible(java.util.Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static boolean isInternal(JavaClass type) {
        return type.getPackageName().startsWith(INTERNAL);
    }
}
