package dev.verdict.guides;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Puts this reactor's artifacts into a private Maven repository, as {@code mvn install} would put them into
 * {@code ~/.m2} – which a build must not touch: the modules are found by walking {@code <modules>} from the root
 * pom (so a module added or moved needs no change here), each module's pom is installed, and its jar when the module
 * is packaged as one and was built ({@code target/<artifactId>-<version>.jar}).
 */
final class LocalVerdictRepository {
    private LocalVerdictRepository() {}

    /** One installed module: its coordinates and whether its jar was there. */
    record Installed(String groupId, String artifactId, String version, String packaging, boolean jar) {}

    /** Installs every module under the root pom's folder into {@code repository}; returns what it installed. */
    static List<Installed> install(Path root, Path repository) throws Exception {
        List<Installed> installed = new ArrayList<>();
        installModule(root, repository, installed);
        return installed;
    }

    private static void installModule(Path dir, Path repository, List<Installed> installed) throws Exception {
        Path pom = dir.resolve("pom.xml");
        Element project = parse(pom);
        Element parent = child(project, "parent");
        String groupId = text(project, "groupId", parent == null ? null : text(parent, "groupId", null));
        String artifactId = text(project, "artifactId", null);
        String version = text(project, "version", parent == null ? null : text(parent, "version", null));
        String packaging = text(project, "packaging", "jar");
        if (groupId == null || artifactId == null || version == null) {
            throw new IllegalStateException("cannot read the coordinates of " + pom);
        }
        Path target = repository
                .resolve(groupId.replace('.', '/'))
                .resolve(artifactId)
                .resolve(version);
        Files.createDirectories(target);
        String base = artifactId + "-" + version;
        Files.copy(pom, target.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        boolean jar = false;
        if (!packaging.equals("pom")) {
            Path built = dir.resolve("target").resolve(base + ".jar");
            jar = Files.isRegularFile(built);
            if (jar) {
                Files.copy(built, target.resolve(base + ".jar"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        installed.add(new Installed(groupId, artifactId, version, packaging, jar));
        Element modules = child(project, "modules");
        if (modules != null) {
            for (Node n = modules.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element module && module.getTagName().equals("module")) {
                    installModule(dir.resolve(module.getTextContent().strip()).normalize(), repository, installed);
                }
            }
        }
    }

    private static Element parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try {
            Document document = factory.newDocumentBuilder().parse(pom.toFile());
            return document.getDocumentElement();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String name, String otherwise) {
        Element e = child(parent, name);
        return e == null ? otherwise : e.getTextContent().strip();
    }
}
