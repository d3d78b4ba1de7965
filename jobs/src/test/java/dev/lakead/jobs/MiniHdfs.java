package dev.lakead.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A real HDFS inside the test JVM: Hadoop's MiniDFSCluster (one NameNode, one DataNode) on loopback, its storage
 * under {@code baseDir}. Other JVMs on this machine (spark-submit drivers, executors) reach it at {@link #uri()}.
 */
final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;

    private MiniHdfs(MiniDFSCluster cluster) {
        this.cluster = cluster;
    }

    static MiniHdfs start(java.nio.file.Path baseDir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toAbsolutePath().toString());
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        conf.setBoolean("dfs.permissions.enabled", false);
        // close() returns once the last block is committed, without waiting for the DataNode's report (the
        // client's completeFile otherwise backs off from 400 ms): jobs write many small files
        conf.setInt("dfs.namenode.file.close.num-committed-allowed", 1);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
        cluster.waitClusterUp();
        return new MiniHdfs(cluster);
    }

    /** hdfs://127.0.0.1:port */
    String uri() {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
    }

    /** The URI of an absolute path on this HDFS, e.g. url("/lake/conf/x.conf"). */
    String url(String absolutePath) {
        return uri() + absolutePath;
    }

    FileSystem fs() throws IOException {
        return cluster.getFileSystem();
    }

    void write(String absolutePath, String text) throws IOException {
        try (OutputStream out = fs().create(new Path(absolutePath), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    String read(String absolutePath) throws IOException {
        try (InputStream in = fs().open(new Path(absolutePath))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    boolean exists(String absolutePath) throws IOException {
        return fs().exists(new Path(absolutePath));
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
