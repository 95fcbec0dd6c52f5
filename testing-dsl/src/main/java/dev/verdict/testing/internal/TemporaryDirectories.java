package dev.verdict.testing.internal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removal of the temporary data directories of the servers the test kit starts. */
public final class TemporaryDirectories {
    private TemporaryDirectories() {}

    /**
     * Deletes a directory tree, best effort: a leftover temporary directory is harmless, and a test's outcome must
     * not depend on it.
     *
     * @return whether the tree is gone
     */
    public static boolean deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return true;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
