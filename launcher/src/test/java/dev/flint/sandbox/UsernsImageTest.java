package dev.flint.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsernsImageTest {
    @TempDir
    Path tmp;

    private static byte[] image(List<UsernsImage.Extent> uid, List<UsernsImage.Extent> gid) {
        byte[] entry = UsernsImage.encodeEntry(uid, gid);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(UsernsImage.IMG_COMMON_MAGIC).putInt(UsernsImage.USERNS_MAGIC).putInt(entry.length);
        out.writeBytes(head.array());
        out.writeBytes(entry);
        return out.toByteArray();
    }

    @Test
    void movesTheRangeAndKeepsEverythingElse() throws IOException {
        // 200000 + 65536 * 40 needs a 4-byte varint where 100000 needs 3: the entry grows.
        int to = 100_000 + 65_536 * 40;
        byte[] before = image(List.of(new UsernsImage.Extent(0, 100_000, 65_536)),
                List.of(new UsernsImage.Extent(0, 100_000, 65_536), new UsernsImage.Extent(70_000, 5, 1)));
        byte[] after = UsernsImage.rebase(before, 100_000, to, "t");
        List<List<UsernsImage.Extent>> maps = UsernsImage.decodeEntry(Arrays.copyOfRange(after, 12, after.length), "t");
        assertEquals(List.of(new UsernsImage.Extent(0, to, 65_536)), maps.get(0));
        assertEquals(List.of(new UsernsImage.Extent(0, to, 65_536), new UsernsImage.Extent(70_000, 5, 1)), maps.get(1));
        int len = ByteBuffer.wrap(after, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertEquals(after.length - 12, len);
        assertArrayEquals(before, UsernsImage.rebase(after, to, 100_000, "t"));
    }

    @Test
    void writesTheRebasedImageElsewhereAndLeavesTheSnapshotAlone() throws IOException {
        byte[] original = image(List.of(new UsernsImage.Extent(0, 100_000, 65_536)), List.of());
        Path snapshot = Files.createDirectory(tmp.resolve("snapshot"));
        Path shared = Files.write(snapshot.resolve("userns-11.img"), original);
        Path dir = Files.createDirectory(tmp.resolve("restore"));
        UsernsImage.rebase(snapshot, dir, 100_000, 165_536);
        assertArrayEquals(original, Files.readAllBytes(shared));
        List<List<UsernsImage.Extent>> maps = UsernsImage.decodeEntry(
                Arrays.copyOfRange(Files.readAllBytes(dir.resolve("userns-11.img")), 12,
                        Files.readAllBytes(dir.resolve("userns-11.img")).length), "t");
        assertEquals(165_536, maps.get(0).get(0).lowerFirst());
    }

    @Test
    void refusesWhatIsNotAUsernsImage() throws IOException {
        assertThrows(IOException.class, () -> UsernsImage.rebase(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, "x"));
        Path dir = Files.createDirectory(tmp.resolve("empty"));
        assertThrows(IOException.class, () -> UsernsImage.rebase(dir, dir, 100_000, 165_536));
    }
}
