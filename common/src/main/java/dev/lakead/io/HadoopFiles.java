package dev.lakead.io;

import dev.lakead.LakeadException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Small file helpers over Hadoop's FileSystem so that bundles and reports can live on HDFS/S3 as well as
 * on local disk.
 */
public final class HadoopFiles {
    private final Configuration conf;

    public HadoopFiles(Configuration conf) {
        this.conf = conf;
    }

    /**
     * A location as jobs pass it on: a URI (hdfs://…, s3a://…, file:/…) as it is, a local path made absolute (so
     * that it means the same folder in every JVM on this machine, whatever its working directory).
     */
    public static String qualified(String location) {
        return dev.lakead.config.ConfigLocation.hasScheme(location) ? location
                : new java.io.File(location).getAbsolutePath();
    }

    public FileSystem fs(String path) {
        try {
            FileSystem fs = new Path(path).getFileSystem(conf);
            if (fs instanceof org.apache.hadoop.fs.LocalFileSystem local) {
                local.setWriteChecksum(false); // no .crc files next to reports and bundles on a local disk
            }
            return fs;
        } catch (IOException e) {
            throw new LakeadException("No file system for " + path + ": " + e.getMessage(), e);
        }
    }

    public boolean exists(String path) {
        try {
            return fs(path).exists(new Path(path));
        } catch (IOException e) {
            throw new LakeadException("Cannot access " + path + ": " + e.getMessage(), e);
        }
    }

    public void writeString(String path, String text) {
        writeBytes(path, text.getBytes(StandardCharsets.UTF_8));
    }

    public void writeBytes(String path, byte[] bytes) {
        try (OutputStream out = fs(path).create(new Path(path), true)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new LakeadException("Cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces a small file: the new content is written beside it and renamed over it, so a reader sees the old
     * or the new file, never a half-written one (and on HDFS never none either, see {@link #renameOver}).
     */
    public void replaceString(String path, String text) {
        replaceBytes(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #replaceString}, for bytes. */
    public void replaceBytes(String path, byte[] bytes) {
        String tmp = path + "._tmp-" + java.util.UUID.randomUUID();
        writeBytes(tmp, bytes);
        try {
            renameOver(fs(path), new Path(tmp), new Path(path));
        } catch (IOException e) {
            delete(tmp);
            throw new LakeadException("Cannot replace " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renames a file over an existing one. FileSystem.rename(from, to) replaces a file only on a local disk (POSIX
     * rename); HDFS refuses, and deleting the target first leaves a moment without it (a job starting then finds
     * no champion.json and takes the latest version, or no threshold.json and fails). The rename with OVERWRITE is
     * one NameNode operation on HDFS; other file systems do delete + rename inside it.
     */
    public static void renameOver(FileSystem fs, Path from, Path to) throws IOException {
        FileUtil.rename(fs, from, to, Options.Rename.OVERWRITE);
    }

    public String readString(String path) {
        return new String(readBytes(path), StandardCharsets.UTF_8);
    }

    public byte[] readBytes(String path) {
        try (InputStream in = fs(path).open(new Path(path))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new LakeadException("Cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    public void mkdirs(String path) {
        try {
            fs(path).mkdirs(new Path(path));
        } catch (IOException e) {
            throw new LakeadException("Cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    public void delete(String path) {
        try {
            fs(path).delete(new Path(path), true);
        } catch (IOException e) {
            throw new LakeadException("Cannot delete " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renames a finished temporary directory into place; fails if the target already exists. Not
     * FileSystem.rename(from, to): onto an existing directory HDFS moves {@code from} inside it (a concurrent
     * writer's bundle would gain a _tmp-… folder and both runs would succeed), where a local disk refuses.
     */
    public void renameInto(String from, String to) {
        try {
            FileSystem fs = fs(to);
            fs.mkdirs(new Path(to).getParent());
            FileUtil.rename(fs, new Path(from), new Path(to), Options.Rename.NONE); // fails if `to` exists
        } catch (FileAlreadyExistsException e) {
            throw new LakeadException(to + " already exists", e);
        } catch (IOException e) {
            throw new LakeadException("Cannot move " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    /** Names of the direct sub-directories of a directory (empty when it does not exist). */
    public java.util.List<String> childDirectories(String dir) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try {
            FileSystem fs = fs(dir);
            Path p = new Path(dir);
            if (!fs.exists(p)) {
                return out;
            }
            for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(p)) {
                if (st.isDirectory()) {
                    out.add(st.getPath().getName());
                }
            }
            return out;
        } catch (IOException e) {
            throw new LakeadException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every file under a directory with its size, by path relative to it ('/'-separated). Hidden files (names
     * starting with '.', such as a local file system's .crc checksums) are file-system artefacts and left out.
     */
    public java.util.SortedMap<String, Long> filesUnder(String dir) {
        java.util.SortedMap<String, Long> out = new java.util.TreeMap<>();
        try {
            FileSystem fs = fs(dir);
            Path root = fs.makeQualified(new Path(dir));
            org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(root, true);
            String prefix = root.toUri().getPath() + "/";
            while (it.hasNext()) {
                org.apache.hadoop.fs.LocatedFileStatus st = it.next();
                String rel = st.getPath().toUri().getPath().substring(prefix.length());
                boolean hidden = false;
                for (String part : rel.split("/")) {
                    hidden |= part.startsWith(".");
                }
                if (!hidden) {
                    out.put(rel, st.getLen());
                }
            }
            return out;
        } catch (IOException e) {
            throw new LakeadException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of a file's bytes, hex, read as a stream. */
    public String sha256(String path) {
        try (InputStream in = fs(path).open(new Path(path))) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new LakeadException("Cannot read " + path + ": " + e.getMessage(), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
