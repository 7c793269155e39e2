"""Map the part folders into the one `neurodebug` import package (metadata is in pyproject.toml).

setuptools' `packages.find` cannot rename folders, so the package list is computed here:
`server/` becomes `neurodebug.server`, `server/x/` becomes `neurodebug.server.x`, and so on.
"""

from setuptools import find_packages, setup

PARTS = {
    "neurodebug": "neurodebug",
    "neurodebug.server": "server",
    "neurodebug.analyzers": "analyzers",
    "neurodebug.neural_debugger": "neural_debugger",
    "neurodebug.kernels": "kernels",
}

package_dir: dict[str, str] = {}
packages: list[str] = []
for package, folder in PARTS.items():
    package_dir[package] = folder
    packages.append(package)
    for sub in find_packages(where=folder):
        packages.append(f"{package}.{sub}")
        package_dir[f"{package}.{sub}"] = f"{folder}/{sub.replace('.', '/')}"

setup(packages=packages, package_dir=package_dir)
