package dev.courier.stream;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * The measurements of one key in one second of one stream: count, sum, min and max. Windows are
 * sums over buckets, so any instance answers for all of them.
 */
@Entity
@Table(
    name = "COURIER_STREAM_BUCKET",
    indexes = @Index(name = "COURIER_STREAM_WINDOW", columnList = "STREAM_NAME,SECOND_AT"))
public class StreamBucket {

  @Id
  @Column(length = 400)
  private String id;

  @Column(name = "STREAM_NAME", nullable = false, length = 100)
  private String stream;

  @Column(name = "MEASURED_KEY", nullable = false, length = 200)
  private String key;

  /** Epoch second the bucket covers. */
  @Column(name = "SECOND_AT", nullable = false)
  private long second;

  @Column(name = "MEASURED_COUNT")
  private long count;

  @Column(name = "MEASURED_SUM")
  private double sum;

  @Column(name = "MEASURED_MIN")
  private double min;

  @Column(name = "MEASURED_MAX")
  private double max;

  protected StreamBucket() {}

  static String id(String stream, String key, long second) {
    return stream + "/" + second + "/" + key;
  }

  /** A bucket without measurements yet (count 0; windows leave such buckets out). */
  static StreamBucket empty(String stream, String key, long second) {
    var bucket = new StreamBucket();
    bucket.id = id(stream, key, second);
    bucket.stream = stream;
    bucket.key = key;
    bucket.second = second;
    return bucket;
  }
}
