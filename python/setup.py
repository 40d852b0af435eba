"""Builds the extension gat._core with the repository's CMake project (the target gat_python)
and packages it with the Python files of gat/. Extra CMake arguments come from the environment
variable CMAKE_ARGS (e.g. CMAKE_ARGS="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DGAT_NATIVE=OFF")."""
import os
import pathlib
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = pathlib.Path(self.build_temp).resolve() / "cmake"
        configure = ["cmake", "-S", str(REPO), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                     "-DGAT_BUILD_PYTHON=ON", "-DGAT_BUILD_TESTS=OFF", "-DGAT_BUILD_APPS=OFF",
                     f"-DPython3_EXECUTABLE={sys.executable}", *shlex.split(os.environ.get("CMAKE_ARGS", ""))]
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "gat_python", "-j", str(os.cpu_count() or 1)],
                       check=True)
        built = next((build / "python" / "gat").glob("_core*.so"))
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(ext_modules=[Extension("gat._core", sources=[])], cmdclass={"build_ext": CMakeBuild})
