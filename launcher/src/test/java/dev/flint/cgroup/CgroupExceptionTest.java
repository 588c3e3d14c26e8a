package dev.flint.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupExceptionTest {

  @Test
  void nioExceptionTypesMapToErrnoNames() {
    assertEquals("EACCES", Errno.nameOf(new AccessDeniedException("/x")));
    assertEquals("ENOENT", Errno.nameOf(new NoSuchFileException("/x")));
    assertEquals("EEXIST", Errno.nameOf(new FileAlreadyExistsException("/x")));
    assertEquals("ENOTEMPTY", Errno.nameOf(new DirectoryNotEmptyException("/x")));
  }

  @Test
  void strerrorTextMapsToErrnoNames() {
    assertEquals(
        "EBUSY", Errno.nameOf(new FileSystemException("/x", null, "Device or resource busy")));
    assertEquals(
        "EPERM", Errno.nameOf(new FileSystemException("/x", null, "Operation not permitted")));
    // Writes to kernel files fail with a plain IOException carrying only the strerror text.
    assertEquals("EINVAL", Errno.nameOf(new IOException("Invalid argument")));
    assertEquals("ENOENT", Errno.nameOf(new IOException("No such file or directory")));
    assertEquals("EIO", Errno.nameOf(new IOException("something new")));
  }

  @Test
  void messageIsStageErrnoWhatPathReasonAndHint() {
    CgroupException e =
        CgroupException.fromIo(
            CgroupStage.CREATE, "mkdir", Path.of("/sys/fs/cgroup/memory/flint/1-1"),
            new AccessDeniedException("/sys/fs/cgroup/memory/flint/1-1"), "run as root");

    assertEquals(
        "cgroup-create: EACCES: mkdir on '/sys/fs/cgroup/memory/flint/1-1': permission denied"
            + "\nhint: run as root",
        e.getMessage());
    assertEquals(CgroupStage.CREATE, e.stage());
    assertEquals("EACCES", e.errno());
    assertEquals(Optional.of(Path.of("/sys/fs/cgroup/memory/flint/1-1")), e.path());
    assertEquals(Optional.of("run as root"), e.hint());
  }

  @Test
  void messageWithoutHintHasOneLine() {
    CgroupException e =
        CgroupException.fromIo(
            CgroupStage.REMOVE, "rmdir", Path.of("/c"),
            new FileSystemException("/c", null, "Device or resource busy"));

    assertEquals("cgroup-remove: EBUSY: rmdir on '/c': device or resource busy", e.getMessage());
    assertEquals(Optional.empty(), e.hint());
  }

  @Test
  void realFilesystemErrorIsMapped(@TempDir Path tmp) {
    Path missingParent = tmp.resolve("absent/child");
    IOException io = assertThrows(IOException.class, () -> Files.createDirectory(missingParent));

    CgroupException e = CgroupException.fromIo(CgroupStage.CREATE, "mkdir", missingParent, io);

    assertEquals("ENOENT", e.errno());
    assertTrue(
        e.getMessage().startsWith("cgroup-create: ENOENT: mkdir on '" + missingParent + "'"),
        e.getMessage());
  }
}
