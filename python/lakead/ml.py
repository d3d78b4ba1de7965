"""PySpark wrappers for lakead's Spark ML API (Java package ``dev.lakead.ml``).

UNTESTED: PySpark cannot be installed where lakead is built, so this file has never run. The Java classes it
wraps are tested (``common/src/test/java/dev/lakead/ml/AnomalyDetectorTest.java``).

The lakead jar must be on the JVM's classpath (``spark-submit --jars lakead-common-<version>.jar`` or
``spark.jars``). Params left unset keep the Java side's defaults, which are the settings of
``conf/lakead-defaults.conf``::

    from lakead.ml import AnomalyDetector, AnomalyDetectionModel

    detector = (AnomalyDetector()
                .setFeaturesCols(["s00", "s01", "s02"])
                .setEpochs(20)
                .setSetting("train.batch-size-per-worker", "64"))
    model = detector.fit(normal_rows)
    scored = model.transform(df)          # all columns + anomaly_score, is_anomaly
    model.save("/models/sensors/v1")      # a lakead bundle: `lakead score --model /models/sensors/v1` reads it
    model = AnomalyDetectionModel.load("/models/sensors/v1")   # also a bundle written by `lakead train`
"""

from pyspark import SparkContext
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.util import JavaMLWritable
from pyspark.ml.wrapper import JavaEstimator, JavaModel

_DETECTOR = "dev.lakead.ml.AnomalyDetector"
_MODEL = "dev.lakead.ml.AnomalyDetectionModel"


class _OutputParams(Params):
    scoreCol = Param(Params._dummy(), "scoreCol", "output column of the anomaly score",
                     typeConverter=TypeConverters.toString)
    predictionCol = Param(Params._dummy(), "predictionCol", "output column of the decision",
                          typeConverter=TypeConverters.toString)
    featureErrorsCol = Param(Params._dummy(), "featureErrorsCol",
                             "output column of the per-feature errors; empty for none",
                             typeConverter=TypeConverters.toString)

    def setScoreCol(self, value):
        return self._set(scoreCol=value)

    def setPredictionCol(self, value):
        return self._set(predictionCol=value)

    def setFeatureErrorsCol(self, value):
        return self._set(featureErrorsCol=value)


class AnomalyDetectionModel(JavaModel, _OutputParams, JavaMLWritable):
    """A fitted detector: ``transform`` adds anomaly_score, is_anomaly (and feature errors when asked)."""

    def __init__(self, java_model=None):
        super(AnomalyDetectionModel, self).__init__(java_model)

    def featureColumns(self):
        return list(self._java_obj.featureColumns())

    @classmethod
    def load(cls, path):
        """Loads a lakead bundle (saved from the API, or written by the train job)."""
        jvm = SparkContext._active_spark_context._jvm
        return cls(jvm.dev.lakead.ml.AnomalyDetectionModel.load(path))


class AnomalyDetector(JavaEstimator, _OutputParams, JavaMLWritable):
    """Trains a lakead detector on the executors, as the preprocess and train jobs do."""

    modelType = Param(Params._dummy(), "modelType", "model family (model.type)",
                      typeConverter=TypeConverters.toString)
    modelName = Param(Params._dummy(), "modelName", "model name in the bundle (model.name)",
                      typeConverter=TypeConverters.toString)
    featuresCols = Param(Params._dummy(), "featuresCols", "input feature columns (features.columns)",
                         typeConverter=TypeConverters.toListString)
    epochs = Param(Params._dummy(), "epochs", "training epochs (train.epochs)", typeConverter=TypeConverters.toInt)
    hiddenSizes = Param(Params._dummy(), "hiddenSizes", "hidden layer sizes (model.hidden-sizes)",
                        typeConverter=TypeConverters.toListInt)
    learningRate = Param(Params._dummy(), "learningRate", "learning rate (model.learning-rate)",
                         typeConverter=TypeConverters.toFloat)
    scaler = Param(Params._dummy(), "scaler", "standard, minmax or robust (features.scaler)",
                   typeConverter=TypeConverters.toString)
    thresholdMethod = Param(Params._dummy(), "thresholdMethod", "threshold method (threshold.method)",
                            typeConverter=TypeConverters.toString)
    thresholdPercentile = Param(Params._dummy(), "thresholdPercentile", "threshold.percentile",
                                typeConverter=TypeConverters.toFloat)
    workers = Param(Params._dummy(), "workers", "training workers (train.workers)",
                    typeConverter=TypeConverters.toInt)
    seed = Param(Params._dummy(), "seed", "random seed (model.seed)", typeConverter=TypeConverters.toInt)

    def __init__(self):
        super(AnomalyDetector, self).__init__()
        self._java_obj = self._new_java_obj(_DETECTOR, self.uid)

    def setModelType(self, value):
        return self._set(modelType=value)

    def setModelName(self, value):
        return self._set(modelName=value)

    def setFeaturesCols(self, value):
        return self._set(featuresCols=value)

    def setEpochs(self, value):
        return self._set(epochs=value)

    def setHiddenSizes(self, value):
        return self._set(hiddenSizes=value)

    def setLearningRate(self, value):
        return self._set(learningRate=value)

    def setScaler(self, value):
        return self._set(scaler=value)

    def setThresholdMethod(self, value):
        return self._set(thresholdMethod=value)

    def setThresholdPercentile(self, value):
        return self._set(thresholdPercentile=value)

    def setWorkers(self, value):
        return self._set(workers=value)

    def setSeed(self, value):
        return self._set(seed=value)

    def setSetting(self, key, value):
        """Any other lakead setting (a key of conf/lakead-defaults.conf without 'lakead.'), checked by the JVM."""
        self._java_obj.setSetting(key, str(value))
        return self

    def _create_model(self, java_model):
        return AnomalyDetectionModel(java_model)
