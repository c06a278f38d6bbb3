// "edit" links on the landing page copy a stored query into the query box.
document.querySelectorAll("a.load").forEach((a) =>
  a.addEventListener("click", () => {
    document.getElementById("q").value = a.dataset.query;
  }),
);
