"""lutdnn: low-bit LUT-quantized DNN speech enhancement on Zynq (MyHDL + PYNQ).

The subpackages map onto the repository's top-level folders:
``lutdnn.model`` (training, quantization, reference arithmetic), ``lutdnn.hw``
(MyHDL hardware), ``lutdnn.host`` (signal processing, backends, command line),
``lutdnn.overlay`` (PYNQ overlay).
"""

__version__ = "0.1.0"
